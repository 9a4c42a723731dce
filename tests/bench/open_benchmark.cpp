// Prints open time and peak resident memory for every fixture and a large generated program.
// Each file is opened in a child process so its peak memory is its own.
#include "core/format_error.hpp"
#include "parsers/registry.hpp"
#include "tests/bench/generated_programs.hpp"
#include "tests/support/fixtures.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Measurement {
    double milliseconds = 0;
    long peakKilobytes = 0;
    std::size_t nodes = 0;
    int status = 0; // 0 opened, 1 FormatError
};

Measurement measureInChild(const std::string& path) {
    int pipeEnds[2];
    if (pipe(pipeEnds) != 0) return {};
    const pid_t child = fork();
    if (child == 0) {
        close(pipeEnds[0]);
        Measurement result;
        const auto registry = pteron::FormatRegistry::standard();
        const auto start = std::chrono::steady_clock::now();
        try {
            const auto model = registry.open(path);
            for (const auto& graph : model.graphs)
                result.nodes += graph.nodes.size();
        } catch (const pteron::FormatError&) {
            result.status = 1;
        }
        result.milliseconds =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        result.peakKilobytes = usage.ru_maxrss;
        [[maybe_unused]] auto written = write(pipeEnds[1], &result, sizeof result);
        _exit(0);
    }
    close(pipeEnds[1]);
    Measurement result;
    [[maybe_unused]] auto got = read(pipeEnds[0], &result, sizeof result);
    close(pipeEnds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    return result;
}

void report(const std::string& label, const Measurement& m) {
    std::printf("%-60s %9.2f ms %8.1f MB peak %7zu nodes%s\n", label.c_str(), m.milliseconds,
                m.peakKilobytes / 1024.0, m.nodes, m.status ? "  (FormatError)" : "");
}

} // namespace

int main() {
    namespace fs = std::filesystem;
    std::printf("%-60s %12s %16s %13s\n", "file", "open", "resident", "nodes");
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(pteron::testing::fixturesDir()))
        if (entry.is_regular_file() && entry.path().extension() != ".md" &&
            entry.path().filename() != "SHA256SUMS")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files)
        report(fs::relative(file, pteron::testing::fixturesDir()).string(),
               measureInChild(file.string()));

    const auto large = (pteron::testing::madeDir() / "large_10k_calls_500mb.pte").string();
    pteron::testing::writeLargeProgram(large, 10000, 500ull * 1024 * 1024);
    std::printf("\ngenerated %s: %.0f MB on disk (sparse)\n", large.c_str(),
                fs::file_size(large) / 1048576.0);
    const auto m = measureInChild(large);
    report("generated: 10,000 kernel calls, 500 MB constants", m);
    std::printf("targets: open < 50 ms -> %s, resident < 64 MB -> %s\n",
                m.milliseconds < 50 ? "met" : "MISSED",
                m.peakKilobytes < 64 * 1024 ? "met" : "MISSED");
    return 0;
}
