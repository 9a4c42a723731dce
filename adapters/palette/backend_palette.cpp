#include "adapters/palette/backend_palette.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace pteron {

namespace {

bool isHexColor(std::string_view text) {
    if (text.size() != 7 || text[0] != '#') return false;
    return std::all_of(text.begin() + 1, text.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::string checkedColor(const nlohmann::json& value, const std::string& origin,
                         const std::string& key) {
    if (!value.is_string() || !isHexColor(value.get<std::string>()))
        throw std::invalid_argument(origin + ": " + key + " must be a \"#rrggbb\" colour");
    return value.get<std::string>();
}

std::map<std::string, std::string, std::less<>>
colorTable(const nlohmann::json& root, const char* key, const std::string& origin) {
    std::map<std::string, std::string, std::less<>> table;
    if (!root.contains(key)) return table;
    const auto& object = root.at(key);
    if (!object.is_object())
        throw std::invalid_argument(origin + ": " + key + " must be an object");
    for (const auto& [name, value] : object.items())
        table[name] = checkedColor(value, origin, std::string(key) + "." + name);
    return table;
}

std::filesystem::path executableDir() {
    std::error_code error;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::filesystem::path() : exe.parent_path();
}

double channel(std::string_view hex) {
    return static_cast<double>(std::stoi(std::string(hex), nullptr, 16)) / 255.0;
}

} // namespace

BackendPalette BackendPalette::builtIn() {
    BackendPalette palette;
    palette.backends_ = {
        {"portable", "#c8d2dc"},          {"cpu", "#c8d2dc"},
        {"cortex_m", "#9ac4f0"},          {"XnnpackBackend", "#4f8fd9"},
        {"EthosUBackend", "#f59e42"},     {"ethos-u", "#f7b267"},
        {"VgfBackend", "#6cb35a"},        {"vulkan-graph", "#8cc97b"},
        {"vulkan-compute", "#b5dba9"},    {"VulkanBackend", "#4caf50"},
        {"TOSABackend", "#e5c04b"},       {"tosa", "#f0d77a"},
        {"QnnBackend", "#d96a8c"},        {"CoreMLBackend", "#8e7cc3"},
        {"MPSBackend", "#a58fd6"},        {"OpenvinoBackend", "#5aa7a7"},
        {"NeuropilotBackend", "#c98a5b"}, {"SamsungBackend", "#7d9bd1"},
        {"RockchipBackend", "#c77b7b"},
    };
    palette.devices_ = {{"CPU", "#7fafe0"},
                        {"NPU", "#f59e42"},
                        {"GPU", "#6cb35a"},
                        {"DSP", "#b07cd8"},
                        {"unknown", "#c0c0c0"}};
    palette.defaultColor_ = "#c0c0c0";
    return palette;
}

BackendPalette BackendPalette::fromJson(std::string_view text, const std::string& origin) {
    const auto root = nlohmann::json::parse(text, nullptr, false);
    if (root.is_discarded() || !root.is_object())
        throw std::invalid_argument(origin + ": not a JSON object");
    BackendPalette palette;
    palette.backends_ = colorTable(root, "backends", origin);
    palette.devices_ = colorTable(root, "devices", origin);
    if (root.contains("default"))
        palette.defaultColor_ = checkedColor(root["default"], origin, "default");
    palette.source_ = origin;
    return palette;
}

BackendPalette BackendPalette::fromFile(const std::filesystem::path& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) throw std::invalid_argument(path.string() + ": cannot be read");
    std::ostringstream text;
    text << stream.rdbuf();
    return fromJson(text.str(), path.string());
}

std::vector<std::filesystem::path> BackendPalette::searchPaths() {
    std::vector<std::filesystem::path> paths;
    if (const auto dir = executableDir(); !dir.empty()) {
        paths.push_back(dir / ".." / "share" / "pteron" / "backend_palette.json");
        paths.push_back(dir / "resources" / "backend_palette.json");
    }
#ifdef PTERON_SOURCE_RESOURCES
    paths.push_back(std::filesystem::path(PTERON_SOURCE_RESOURCES) / "backend_palette.json");
#endif
    return paths;
}

BackendPalette BackendPalette::locate(const std::filesystem::path& explicitPath) {
    if (!explicitPath.empty()) return fromFile(explicitPath);
    std::string problem = "no backend_palette.json found";
    for (const auto& path : searchPaths()) {
        std::error_code error;
        if (!std::filesystem::is_regular_file(path, error)) continue;
        try {
            return fromFile(path);
        } catch (const std::invalid_argument& failure) {
            problem = failure.what();
        }
    }
    auto palette = builtIn();
    palette.problem_ = problem;
    return palette;
}

std::string BackendPalette::color(std::string_view backend, std::string_view deviceClass) const {
    if (auto it = backends_.find(backend); it != backends_.end()) return it->second;
    const auto wanted = lower(backend);
    for (const auto& [name, fill] : backends_)
        if (lower(name) == wanted) return fill;
    return deviceColor(deviceClass);
}

std::string BackendPalette::deviceColor(std::string_view deviceClass) const {
    if (auto it = devices_.find(deviceClass); it != devices_.end()) return it->second;
    return defaultColor_;
}

std::string BackendPalette::textColorOn(std::string_view fill) {
    if (!isHexColor(fill)) return "#000000";
    // Relative luminance with the usual sRGB weights; the threshold favours black text.
    const double luminance = 0.2126 * channel(fill.substr(1, 2)) +
                             0.7152 * channel(fill.substr(3, 2)) +
                             0.0722 * channel(fill.substr(5, 2));
    return luminance > 0.45 ? "#000000" : "#ffffff";
}

} // namespace pteron
