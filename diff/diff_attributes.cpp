#include "diff/diff_attributes.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace pteron::diff {

namespace {

struct Worst {
    double maxAbs = 0, meanAbs = 0, mse = 0;
    double snr = kIdenticalSnrDb;
    double cosine = 1;
    std::int64_t mismatched = 0;
    bool pass = true;

    void add(const TensorMetrics& m) {
        pass = pass && m.pass;
        mismatched += static_cast<std::int64_t>(m.mismatched);
        if (!m.compared) return;
        maxAbs = std::max(maxAbs, m.maxAbs);
        meanAbs = std::max(meanAbs, m.meanAbs);
        mse = std::max(mse, m.mse);
        if (m.snrDb)
            snr = std::min(snr, std::isinf(*m.snrDb) && *m.snrDb > 0 ? kIdenticalSnrDb : *m.snrDb);
        if (m.cosine) cosine = std::min(cosine, *m.cosine);
    }
};

void setAttribute(Attributes& attributes, std::string_view name, AttributeValue value) {
    for (auto& attribute : attributes)
        if (attribute.name == name) {
            attribute.value = std::move(value);
            return;
        }
    attributes.push_back({std::string(name), std::move(value)});
}

} // namespace

bool higherIsBetter(std::string_view metric) {
    return metric == "diff.snr" || metric == "diff.cosine" || metric == "diff.pass";
}

void attachDiffMetrics(Model& model, const DiffReport& report) {
    std::map<std::pair<std::size_t, std::size_t>, Worst> nodes;
    for (const auto& row : report.rows) {
        if (!row.graphIndex || row.a.node < 0 || *row.graphIndex >= model.graphs.size()) continue;
        if (static_cast<std::size_t>(row.a.node) >= model.graphs[*row.graphIndex].nodes.size())
            continue;
        nodes[{*row.graphIndex, static_cast<std::size_t>(row.a.node)}].add(row.metrics);
    }
    for (const auto& [key, worst] : nodes) {
        auto& attributes = model.graphs[key.first].nodes[key.second].attributes;
        setAttribute(attributes, "diff.max_abs", worst.maxAbs);
        setAttribute(attributes, "diff.mean_abs", worst.meanAbs);
        setAttribute(attributes, "diff.mse", worst.mse);
        if (std::isfinite(worst.snr)) setAttribute(attributes, "diff.snr", worst.snr);
        setAttribute(attributes, "diff.cosine", worst.cosine);
        setAttribute(attributes, "diff.mismatched", worst.mismatched);
        setAttribute(attributes, "diff.pass", static_cast<std::int64_t>(worst.pass ? 1 : 0));
    }
}

} // namespace pteron::diff
