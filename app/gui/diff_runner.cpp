#include "app/gui/diff_runner.hpp"

#include "diff/artifact_diff.hpp"
#include "diff/etdump_diff.hpp"
#include "diff/tensor_folder_diff.hpp"
#include "parsers/registry.hpp"
#include "runtime/input_generator.hpp"

#include <QDir>
#include <QFileInfo>

#include <chrono>

namespace pteron {

namespace {

std::vector<runtime::Tensor> seededInputs(const Graph& graph, std::uint64_t seed) {
    std::vector<runtime::Tensor> inputs;
    const auto specs = runtime::inputSpecs(graph);
    for (std::size_t i = 0; i < specs.size(); ++i)
        inputs.push_back(runtime::randomInput(specs[i], seed, i));
    return inputs;
}

// The debug buffer a device wrote next to its ETDump, if one is there.
std::string debugBufferBeside(const QString& etdump) {
    const QFileInfo info(etdump);
    for (const auto& name : {info.completeBaseName() + ".bin", QString("debug_buffer.bin")}) {
        const QFileInfo candidate(info.dir().filePath(name));
        if (candidate.isFile()) return candidate.filePath().toStdString();
    }
    return {};
}

bool isEtdump(const QString& path) {
    return path.endsWith(".etdp", Qt::CaseInsensitive) ||
           path.endsWith(".etdump", Qt::CaseInsensitive);
}

} // namespace

std::uint64_t expectedDiffNodes(const Model& model) {
    std::uint64_t nodes = 0;
    for (const auto& graph : model.graphs)
        nodes += graph.nodes.size();
    return nodes;
}

std::shared_ptr<const DiffResults> diffWithFile(const Model& model, const QString& other,
                                                std::uint64_t seed, unsigned threads,
                                                DiffProgress& progress) {
    const auto tops = model.topLevelGraphs();
    if (tops.empty()) throw runtime::RuntimeError("the model holds no graph to run");
    diff::RunSettings settings;
    settings.threads = threads;
    settings.nodeDone = [&progress] {
        progress.nodes.fetch_add(1, std::memory_order_relaxed);
        if (progress.cancel.load(std::memory_order_relaxed)) throw DiffCancelled();
    };
    const auto kernels = runtime::KernelRegistry::withAllKernels();
    const diff::Artifact a{&model, tops.front(), {}};
    auto inputs = seededInputs(model.graphs[tops.front()], seed);
    const auto start = std::chrono::steady_clock::now();
    auto results = std::make_shared<DiffResults>();
    results->other = other;
    const auto finish = [&results, start] {
        results->seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        results->index();
        return results;
    };
    if (QFileInfo(other).isDir()) {
        results->report = diff::compareRunWithFolder(a, std::move(inputs), other.toStdString(),
                                                     kernels, settings);
        return finish();
    }
    ReadOptions options;
    if (isEtdump(other)) options.debugBuffer = debugBufferBeside(other);
    auto opened = std::make_shared<const Model>(
        FormatRegistry::standard().open(other.toStdString(), options));
    const auto& otherModel = *opened;
    if (progress.cancel) throw DiffCancelled();
    results->otherModel = opened;
    if (otherModel.format == "etdump")
        results->report =
            diff::compareWithEtdump(a, std::move(inputs), otherModel, kernels, settings);
    else
        results->report =
            diff::compareArtifacts(a, std::move(inputs), {&otherModel, 0, {}}, kernels, settings);
    return finish();
}

} // namespace pteron
