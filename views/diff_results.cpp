#include "views/diff_results.hpp"

#include "diff/diff_attributes.hpp"

#include <QObject>

#include <algorithm>
#include <cmath>

namespace pteron {

QString diffMetricName(DiffMetric metric) {
    switch (metric) {
    case DiffMetric::MaxAbs:
        return QObject::tr("max abs");
    case DiffMetric::MeanAbs:
        return QObject::tr("mean abs");
    case DiffMetric::Mse:
        return QObject::tr("MSE");
    case DiffMetric::Snr:
        return QObject::tr("SNR (dB)");
    case DiffMetric::Cosine:
        return QObject::tr("cosine");
    case DiffMetric::MismatchShare:
        return QObject::tr("mismatched share");
    }
    return {};
}

bool diffMetricHigherIsBetter(DiffMetric metric) {
    return metric == DiffMetric::Snr || metric == DiffMetric::Cosine;
}

std::optional<double> diffMetricValue(const diff::TensorMetrics& metrics, DiffMetric metric) {
    if (!metrics.compared) return std::nullopt;
    switch (metric) {
    case DiffMetric::MaxAbs:
        return metrics.maxAbs;
    case DiffMetric::MeanAbs:
        return metrics.meanAbs;
    case DiffMetric::Mse:
        return metrics.mse;
    case DiffMetric::Snr:
        if (!metrics.snrDb) return std::nullopt;
        return std::isinf(*metrics.snrDb) && *metrics.snrDb > 0 ? diff::kIdenticalSnrDb
                                                                : *metrics.snrDb;
    case DiffMetric::Cosine:
        return metrics.cosine;
    case DiffMetric::MismatchShare:
        return metrics.count == 0 ? 0.0 : double(metrics.mismatched) / double(metrics.count);
    }
    return std::nullopt;
}

void DiffResults::index() {
    byNode_.clear();
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
        const auto& row = report.rows[i];
        if (!row.graphIndex || row.a.node < 0) continue;
        byNode_[{*row.graphIndex, static_cast<std::size_t>(row.a.node)}].push_back(i);
    }
}

std::vector<std::size_t> DiffResults::rowsOf(std::size_t graph, std::size_t node) const {
    const auto found = byNode_.find({graph, node});
    return found == byNode_.end() ? std::vector<std::size_t>{} : found->second;
}

std::optional<std::pair<double, bool>> DiffResults::nodeScore(std::size_t graph, std::size_t node,
                                                              DiffMetric metric) const {
    std::optional<double> worst;
    bool pass = true;
    bool any = false;
    const bool higher = diffMetricHigherIsBetter(metric);
    for (const auto i : rowsOf(graph, node)) {
        const auto& metrics = report.rows[i].metrics;
        any = true;
        pass = pass && metrics.pass;
        const auto value = diffMetricValue(metrics, metric);
        if (!value || std::isnan(*value)) continue;
        if (!worst || (higher ? *value < *worst : *value > *worst)) worst = *value;
    }
    if (!any) return std::nullopt;
    // A pair that failed without a defined metric still shows as the worst end.
    if (!worst)
        worst = higher ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
    return std::pair{*worst, pass};
}

std::optional<std::pair<double, double>> DiffResults::range(DiffMetric metric) const {
    std::optional<std::pair<double, double>> result;
    for (const auto& entry : byNode_) {
        const auto score = nodeScore(entry.first.first, entry.first.second, metric);
        if (!score || !std::isfinite(score->first)) continue;
        if (!result)
            result = std::pair{score->first, score->first};
        else
            result = std::pair{std::min(result->first, score->first),
                               std::max(result->second, score->first)};
    }
    return result;
}

} // namespace pteron
