#include "tests/support/fixtures.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace pteron::testing {

std::filesystem::path fixturesDir() {
    if (const char* env = std::getenv("PTERON_FIXTURES"); env && *env) return env;
    return PTERON_FIXTURES_DEFAULT;
}

std::string fixture(const std::string& relative) {
    return (fixturesDir() / relative).string();
}

std::vector<std::string> fixturesIn(const std::string& folder, const std::string& extension) {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(fixturesDir() / folder))
        if (entry.is_regular_file() && entry.path().extension() == extension)
            files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::filesystem::path oraclesDir() {
    if (const char* env = std::getenv("PTERON_ORACLES"); env && *env) return env;
    auto fixtures = fixturesDir().lexically_normal();
    if (!fixtures.has_filename()) fixtures = fixtures.parent_path(); // a trailing separator
    return fixtures.parent_path() / "oracles";
}

std::string oracle(const std::string& relative) {
    return (oraclesDir() / relative).string();
}

std::filesystem::path madeDir() {
    auto dir = std::filesystem::path(PTERON_BINARY_DIR) / "tests" / "fixtures-made";
    std::filesystem::create_directories(dir);
    return dir;
}

std::vector<std::string> modelFixtures() {
    std::vector<std::string> files;
    for (const auto& [folder, extension] : std::vector<std::pair<std::string, std::string>>{
             {"pte", ".pte"}, {"tosa", ".tosa"}, {"tflite", ".tflite"}, {"vgf", ".vgf"}})
        for (const auto& file : fixturesIn(folder, extension))
            files.push_back(file);
    return files;
}

} // namespace pteron::testing
