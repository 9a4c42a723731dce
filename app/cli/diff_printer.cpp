#include "app/cli/diff_printer.hpp"

#include "adapters/common/partition_label.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace pteron {

namespace {

std::string partitionOf(const diff::DiffRow& row, const Model* model) {
    if (!model || !row.graphIndex || *row.graphIndex >= model->graphs.size()) return "-";
    const auto& graph = model->graphs[*row.graphIndex];
    if (row.a.node < 0 || static_cast<std::size_t>(row.a.node) >= graph.nodes.size())
        return "output";
    return partitionLabel(graph, graph.nodes[static_cast<std::size_t>(row.a.node)].partition);
}

nlohmann::json placeJson(const diff::TensorPlace& place) {
    return {
        {"graph", place.graph}, {"node", place.node}, {"op", place.op}, {"tensor", place.tensor}};
}

nlohmann::json finiteOrNull(std::optional<double> value) {
    if (!value || !std::isfinite(*value)) return nullptr;
    return *value;
}

std::string number(double value, int digits = 4) {
    std::ostringstream text;
    text << std::setprecision(digits) << value;
    return text.str();
}

std::string optionalNumber(std::optional<double> value, int digits = 4) {
    if (!value) return "-";
    if (std::isinf(*value)) return *value > 0 ? "inf" : "-inf";
    return number(*value, digits);
}

std::string nodeText(const diff::TensorPlace& place) {
    return place.node < 0 ? std::string("-") : "#" + std::to_string(place.node);
}

} // namespace

nlohmann::json diffJson(const diff::DiffReport& report, const Model* modelA) {
    nlohmann::json result;
    if (const auto* first = report.firstDivergence()) {
        result["first_divergence"] = placeJson(first->a);
        result["first_divergence"]["partition"] = partitionOf(*first, modelA);
    } else {
        result["first_divergence"] = nullptr;
    }
    auto tensors = nlohmann::json::array();
    for (const auto& row : report.rows) {
        const auto& m = row.metrics;
        auto item = placeJson(row.a);
        item["partition"] = partitionOf(row, modelA);
        item["pass"] = m.pass;
        item["compared"] = m.compared;
        item["count"] = m.count;
        item["max_abs"] = m.maxAbs;
        item["mean_abs"] = m.meanAbs;
        item["mse"] = m.mse;
        item["snr_db"] = finiteOrNull(m.snrDb);
        item["cosine"] = finiteOrNull(m.cosine);
        item["mismatched"] = m.mismatched;
        item["mismatched_share"] =
            m.count ? static_cast<double>(m.mismatched) / static_cast<double>(m.count) : 0.0;
        item["max_steps"] = finiteOrNull(m.maxSteps);
        item["non_finite"] = m.nonFinite;
        item["dequantised"] = m.dequantised;
        if (!m.note.empty()) item["note"] = m.note;
        item["other"] = placeJson(row.b);
        tensors.push_back(std::move(item));
    }
    result["tensors"] = std::move(tensors);
    result["notes"] = report.notes;
    return result;
}

void printDiff(std::ostream& out, const diff::DiffReport& report, const Model* modelA) {
    std::size_t failed = 0;
    for (const auto& row : report.rows)
        if (!row.metrics.pass) ++failed;
    if (const auto* first = report.firstDivergence())
        out << "first divergence: " << partitionOf(*first, modelA) << " " << first->a.graph << " "
            << nodeText(first->a) << " " << first->a.op << " " << first->a.tensor << "\n";
    else
        out << "no divergence\n";
    out << failed << " of " << report.rows.size() << " tensors differ\n";
    for (const auto& note : report.notes)
        out << "  " << note << "\n";
    out << "\n";
    // Columns as wide as their longest entry, so long operator names stay readable.
    std::size_t partitionWidth = 9, graphWidth = 5, opWidth = 2;
    for (const auto& row : report.rows) {
        partitionWidth = std::max(partitionWidth, partitionOf(row, modelA).size());
        graphWidth = std::max(graphWidth, row.a.graph.size());
        opWidth = std::max(opWidth, row.a.op.size());
    }
    const auto partitionColumn = static_cast<int>(partitionWidth + 2);
    const auto graphColumn = static_cast<int>(graphWidth + 2);
    const auto opColumn = static_cast<int>(opWidth + 2);
    out << std::left << std::setw(5) << "pass" << std::setw(partitionColumn) << "partition"
        << std::setw(graphColumn) << "graph" << std::setw(7) << "node" << std::setw(opColumn)
        << "op" << std::setw(11) << "max_abs" << std::setw(11) << "mean_abs" << std::setw(11)
        << "snr_db" << std::setw(10) << "cosine" << std::setw(12) << "mismatched"
        << "tensor\n";
    for (const auto& row : report.rows) {
        const auto& m = row.metrics;
        out << std::setw(5) << (m.pass ? "ok" : "FAIL") << std::setw(partitionColumn)
            << partitionOf(row, modelA) << std::setw(graphColumn) << row.a.graph << std::setw(7)
            << nodeText(row.a) << std::setw(opColumn) << row.a.op;
        if (!m.compared) {
            out << m.note << "  " << row.a.tensor << "\n";
            continue;
        }
        out << std::setw(11) << number(m.maxAbs) << std::setw(11) << number(m.meanAbs)
            << std::setw(11) << optionalNumber(m.snrDb) << std::setw(10)
            << optionalNumber(m.cosine, 6) << std::setw(12) << std::to_string(m.mismatched)
            << row.a.tensor;
        if (!m.note.empty()) out << "  (" << m.note << ")";
        out << "\n";
    }
    out << std::right;
}

} // namespace pteron
