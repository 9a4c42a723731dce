#include "diff/tensor_folder_diff.hpp"

#include "core/format_error.hpp"
#include "diff/run_capture.hpp"
#include "runtime/runtime_error.hpp"
#include "runtime/tensor_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

namespace pteron::diff {

namespace {

namespace fs = std::filesystem;

struct FolderEntry {
    TensorPlace place;
    std::string file;                   // relative to the folder
    std::optional<std::int64_t> output; // from trace.json
};

std::int64_t integerField(const nlohmann::json& item, const char* key, const std::string& path,
                          std::size_t index) {
    if (!item.contains(key) || !item[key].is_number_integer())
        throw FormatError(path, "trace.json", "[" + std::to_string(index) + "]." + key,
                          "an integer");
    return item[key].get<std::int64_t>();
}

std::string textField(const nlohmann::json& item, const char* key, const std::string& path,
                      std::size_t index) {
    if (!item.contains(key) || !item[key].is_string())
        throw FormatError(path, "trace.json", "[" + std::to_string(index) + "]." + key, "a string");
    return item[key].get<std::string>();
}

std::vector<FolderEntry> traceEntries(const fs::path& index) {
    std::ifstream in(index);
    nlohmann::json trace;
    try {
        trace = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& error) {
        throw FormatError(index.string(), "trace.json", "whole file",
                          std::string("JSON (") + error.what() + ")");
    }
    if (!trace.is_array())
        throw FormatError(index.string(), "trace.json", "root", "an array of tensor entries");
    std::vector<FolderEntry> entries;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const auto& item = trace[i];
        if (!item.is_object())
            throw FormatError(index.string(), "trace.json", "[" + std::to_string(i) + "]",
                              "an object");
        FolderEntry entry;
        entry.place.graph = textField(item, "graph", index.string(), i);
        entry.place.node = integerField(item, "node", index.string(), i);
        entry.place.op = textField(item, "op", index.string(), i);
        entry.place.tensor = textField(item, "value", index.string(), i);
        entry.output = integerField(item, "output", index.string(), i);
        entry.file = textField(item, "file", index.string(), i);
        if (fs::path(entry.file).is_absolute() || entry.file.find("..") != std::string::npos)
            throw FormatError(index.string(), "trace.json", "[" + std::to_string(i) + "].file",
                              "a file name inside the folder");
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<FolderEntry> fileEntries(const fs::path& folder) {
    std::vector<FolderEntry> entries;
    for (const auto& item : fs::directory_iterator(folder)) {
        if (!item.is_regular_file() || item.path().extension() != ".npy") continue;
        FolderEntry entry;
        entry.file = item.path().filename().string();
        entry.place.tensor = item.path().stem().string();
        entry.place.op = "tensor";
        entries.push_back(std::move(entry));
    }
    std::sort(entries.begin(), entries.end(),
              [](const FolderEntry& x, const FolderEntry& y) { return x.file < y.file; });
    return entries;
}

struct Folder {
    fs::path path;
    bool traced = false;
    std::vector<FolderEntry> entries;
};

Folder readFolder(const std::string& path) {
    Folder folder{path, false, {}};
    if (!fs::is_directory(folder.path))
        throw runtime::RuntimeError(path + " is not a folder of .npy tensors");
    const auto index = folder.path / "trace.json";
    folder.traced = fs::exists(index);
    folder.entries = folder.traced ? traceEntries(index) : fileEntries(folder.path);
    return folder;
}

using TraceKey = std::tuple<std::string, std::int64_t, std::int64_t>;

} // namespace

DiffReport compareTensorFolders(const std::string& folderA, const std::string& folderB,
                                const Tolerance& tolerance) {
    const auto a = readFolder(folderA);
    const auto b = readFolder(folderB);
    std::map<TraceKey, std::size_t> byTrace;
    std::map<std::string, std::size_t> byFile, byValue;
    for (std::size_t i = 0; i < b.entries.size(); ++i) {
        const auto& entry = b.entries[i];
        if (entry.output)
            byTrace.try_emplace({entry.place.graph, entry.place.node, *entry.output}, i);
        byFile.try_emplace(entry.file, i);
        byValue.try_emplace(entry.place.tensor, i);
    }
    DiffReport report;
    std::size_t unmatched = 0;
    for (std::size_t i = 0; i < a.entries.size(); ++i) {
        const auto& entry = a.entries[i];
        std::optional<std::size_t> match;
        if (a.traced && b.traced) {
            if (auto it = byTrace.find({entry.place.graph, entry.place.node, *entry.output});
                it != byTrace.end())
                match = it->second;
        }
        if (!match)
            if (auto it = byFile.find(entry.file); it != byFile.end()) match = it->second;
        if (!match)
            if (auto it = byValue.find(entry.place.tensor); it != byValue.end()) match = it->second;
        if (!match) {
            ++unmatched;
            continue;
        }
        const auto& other = b.entries[*match];
        DiffRow row;
        row.a = entry.place;
        row.b = other.place;
        row.order = i;
        row.tensorA = runtime::readNpyTensor((a.path / entry.file).string());
        row.tensorB = runtime::readNpyTensor((b.path / other.file).string());
        row.metrics = compareTensors(row.tensorA, row.tensorB, tolerance);
        report.rows.push_back(std::move(row));
    }
    if (report.rows.empty())
        throw runtime::RuntimeError("no tensor of " + folderA + " has a partner in " + folderB +
                                    " (by trace.json entry, file name or value name)");
    report.notes.push_back(std::string(a.traced && b.traced ? "matched by trace.json entries"
                                                            : "matched by file or value name") +
                           ": " + std::to_string(report.rows.size()) + " pairs, " +
                           std::to_string(unmatched) + " tensors of A without a partner");
    return report;
}

DiffReport compareRunWithFolder(const Artifact& a, std::vector<runtime::Tensor> inputs,
                                const std::string& folderPath,
                                const runtime::KernelRegistry& kernels,
                                const RunSettings& settings) {
    const auto folder = readFolder(folderPath);
    std::map<TraceKey, std::size_t> byTrace;
    std::map<std::string, std::size_t> byValue;
    for (std::size_t i = 0; i < folder.entries.size(); ++i) {
        const auto& entry = folder.entries[i];
        if (entry.output)
            byTrace.try_emplace({entry.place.graph, entry.place.node, *entry.output}, i);
        byValue.try_emplace(entry.place.tensor, i);
    }
    const auto& model = *a.model;
    RunCapture capture(settings.nodeDone);
    runtime::Interpreter interpreter(model, kernels, {settings.threads, &capture, a.substitutes});
    capture.recordInputs(model, a.graph, inputs);
    interpreter.run(a.graph, std::move(inputs));

    DiffReport report;
    std::size_t unmatched = 0;
    for (std::size_t g = 0; g < model.graphs.size(); ++g) {
        const auto& graph = model.graphs[g];
        for (std::size_t n = 0; n < graph.nodes.size(); ++n) {
            const auto* captured = capture.node(model, g, n);
            if (!captured) continue;
            for (std::size_t o = 0; o < captured->tensors.size(); ++o) {
                const auto name = valueName(graph, captured->values[o]);
                std::optional<std::size_t> match;
                if (folder.traced)
                    if (auto it = byTrace.find(
                            {graph.id, static_cast<std::int64_t>(n), static_cast<std::int64_t>(o)});
                        it != byTrace.end())
                        match = it->second;
                if (!match)
                    if (auto it = byValue.find(name); it != byValue.end()) match = it->second;
                if (!match) {
                    ++unmatched;
                    continue;
                }
                const auto& other = folder.entries[*match];
                DiffRow row;
                row.a = {graph.id, static_cast<std::int64_t>(n), graph.nodes[n].op, name};
                row.b = other.place;
                row.graphIndex = g;
                row.order = captured->sequence;
                row.tensorA = captured->tensors[o];
                row.tensorB = runtime::readNpyTensor((folder.path / other.file).string());
                row.metrics = compareTensors(row.tensorA, row.tensorB, settings.tolerance);
                report.rows.push_back(std::move(row));
            }
        }
    }
    if (report.rows.empty())
        throw runtime::RuntimeError("no tensor the run computed has a partner in " + folderPath +
                                    " (by trace.json entry or value name)");
    report.notes.push_back(
        std::string(folder.traced ? "matched by trace.json entries" : "matched by value name") +
        ": " + std::to_string(report.rows.size()) + " pairs, " + std::to_string(unmatched) +
        " outputs of the run without a partner");
    report.sort();
    return report;
}

} // namespace pteron::diff
