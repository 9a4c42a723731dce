// Runs the read-only CLI commands on every file of at most 16 MB in the given folders and prints
// their wall time and peak memory; any run over 5 s or 256 MB that did not refuse its file with
// exit 2, and any crash, is listed and makes the exit code non-zero.
//
// usage: limits_benchmark PTERON_BINARY [FOLDER...]   (default folders: the fixtures and oracles)
#include "tests/support/fixtures.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kLargestFile = 16u << 20;
constexpr double kSecondsAllowed = 5.0;
constexpr long kKilobytesAllowed = 256 * 1024;
// A run this long is stopped and reported as a hang.
constexpr auto kHangAfter = std::chrono::seconds(30);

struct Command {
    const char* name;
    std::vector<std::string> arguments; // the file's path is appended
};

struct Outcome {
    double seconds = 0;
    long peakKilobytes = 0;
    int exitCode = -1; // -1 when a signal ended it
    int signal = 0;
    bool hung = false;
};

Outcome runChild(const std::vector<std::string>& argv) {
    std::vector<char*> pointers;
    for (const auto& argument : argv)
        pointers.push_back(const_cast<char*>(argument.c_str()));
    pointers.push_back(nullptr);
    const auto start = std::chrono::steady_clock::now();
    const pid_t child = fork();
    if (child == 0) {
        const int quiet = open("/dev/null", O_WRONLY);
        dup2(quiet, STDOUT_FILENO);
        dup2(quiet, STDERR_FILENO);
        execv(pointers[0], pointers.data());
        _exit(127);
    }
    Outcome outcome;
    int status = 0;
    rusage usage{};
    while (wait4(child, &status, WNOHANG, &usage) == 0) {
        if (std::chrono::steady_clock::now() - start > kHangAfter && !outcome.hung) {
            outcome.hung = true;
            kill(child, SIGKILL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    outcome.peakKilobytes = usage.ru_maxrss;
    if (WIFEXITED(status)) outcome.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
    return outcome;
}

// Exit 0 (done) and 2 (refused) are the clean endings; a refusal may take any time it needs
// only if it stays within the limits too, since a slow refusal is still a slow command.
std::string verdict(const Outcome& outcome) {
    if (outcome.hung) return "hung (stopped after 30 s)";
    if (outcome.signal != 0) return "killed by signal " + std::to_string(outcome.signal);
    if (outcome.exitCode != 0 && outcome.exitCode != 2)
        return "exit " + std::to_string(outcome.exitCode);
    if (outcome.seconds > kSecondsAllowed) return "over 5 s";
    if (outcome.peakKilobytes > kKilobytesAllowed) return "over 256 MB";
    return {};
}

std::vector<fs::path> filesIn(const std::vector<fs::path>& folders) {
    std::vector<fs::path> files;
    for (const auto& folder : folders) {
        std::error_code error;
        for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end;
             it.increment(error))
            if (it->is_regular_file() && it->file_size() <= kLargestFile)
                files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

struct Figures {
    std::size_t runs = 0;
    std::size_t refused = 0;
    double totalSeconds = 0;
    double slowestSeconds = 0;
    std::string slowestFile;
    long largestKilobytes = 0;
    std::string largestFile;
};

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: limits_benchmark PTERON_BINARY [FOLDER...]\n");
        return 1;
    }
    const std::string binary = argv[1];
    std::vector<fs::path> folders(argv + 2, argv + argc);
    if (folders.empty()) folders = {pteron::testing::fixturesDir(), pteron::testing::oraclesDir()};

    const std::array<Command, 4> commands{{
        {"info", {"info"}},
        {"nodes", {"nodes"}},
        {"export", {"export", "--to", "model-explorer", "-o", "/dev/null"}},
        {"ethosu", {"ethosu"}},
    }};
    const auto files = filesIn(folders);
    std::printf("%zu files of at most 16 MB; limits %.0f s and %ld MB per command\n\n",
                files.size(), kSecondsAllowed, kKilobytesAllowed / 1024);

    std::array<Figures, 4> figures{};
    std::size_t violations = 0;
    for (const auto& file : files) {
        for (std::size_t c = 0; c < commands.size(); ++c) {
            std::vector<std::string> argv{binary};
            argv.insert(argv.end(), commands[c].arguments.begin(), commands[c].arguments.end());
            argv.push_back(file.string());
            const auto outcome = runChild(argv);
            auto& f = figures[c];
            ++f.runs;
            f.refused += outcome.exitCode == 2 ? 1 : 0;
            f.totalSeconds += outcome.seconds;
            if (outcome.seconds > f.slowestSeconds) {
                f.slowestSeconds = outcome.seconds;
                f.slowestFile = file.string();
            }
            if (outcome.peakKilobytes > f.largestKilobytes) {
                f.largestKilobytes = outcome.peakKilobytes;
                f.largestFile = file.string();
            }
            if (const auto problem = verdict(outcome); !problem.empty()) {
                ++violations;
                std::printf("VIOLATION %-7s %s: %s (%.2f s, %.1f MB)\n", commands[c].name,
                            file.c_str(), problem.c_str(), outcome.seconds,
                            outcome.peakKilobytes / 1024.0);
            }
        }
    }

    std::printf("%-8s %7s %8s %11s %11s %11s\n", "command", "runs", "exit 2", "mean ms",
                "slowest ms", "peak MB");
    for (std::size_t c = 0; c < commands.size(); ++c) {
        const auto& f = figures[c];
        std::printf("%-8s %7zu %8zu %11.1f %11.1f %11.1f\n", commands[c].name, f.runs, f.refused,
                    f.runs ? 1000.0 * f.totalSeconds / static_cast<double>(f.runs) : 0.0,
                    1000.0 * f.slowestSeconds, f.largestKilobytes / 1024.0);
    }
    for (std::size_t c = 0; c < commands.size(); ++c)
        std::printf("%s: slowest %s, largest %s\n", commands[c].name,
                    figures[c].slowestFile.c_str(), figures[c].largestFile.c_str());
    std::printf("\n%zu violations\n", violations);
    return violations == 0 ? 0 : 1;
}
