// A diff of the open model (side A) against another artifact or a device dump, as the views
// show it: the report, its tensors, and each node's worst value of a chosen metric.
#pragma once

#include "diff/diff_report.hpp"

#include <QString>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace pteron {

// The metrics a graph can be coloured by.
enum class DiffMetric { MaxAbs, MeanAbs, Mse, Snr, Cosine, MismatchShare };

inline constexpr std::array<DiffMetric, 6> kDiffMetrics{
    DiffMetric::MaxAbs, DiffMetric::MeanAbs, DiffMetric::Mse,
    DiffMetric::Snr,    DiffMetric::Cosine,  DiffMetric::MismatchShare};

// "max abs", "SNR (dB)", ...
QString diffMetricName(DiffMetric metric);
// Larger values mean closer agreement (SNR, cosine).
bool diffMetricHigherIsBetter(DiffMetric metric);
// The metric of one compared pair; nullopt when it is undefined (cosine against all zeros) or
// the pair could not be compared. An infinite SNR is kIdenticalSnrDb.
std::optional<double> diffMetricValue(const diff::TensorMetrics& metrics, DiffMetric metric);

struct DiffResults {
    diff::DiffReport report; // rows keep both tensors
    QString other;           // what side A was compared with
    // Side B's model: tensors of the rows may view its constants.
    std::shared_ptr<const Model> otherModel;
    double seconds = 0;

    // Row indices of side A's node (model graph, node), in execution order.
    std::vector<std::size_t> rowsOf(std::size_t graph, std::size_t node) const;
    // The worst value of `metric` over the node's rows, and whether all of them pass; nullopt
    // when the node has no compared row.
    std::optional<std::pair<double, bool>> nodeScore(std::size_t graph, std::size_t node,
                                                     DiffMetric metric) const;
    // The lowest and highest node score of `metric`, for a colour scale.
    std::optional<std::pair<double, double>> range(DiffMetric metric) const;

    // Fills the index of rows by node; call once the report is complete.
    void index();

  private:
    std::map<std::pair<std::size_t, std::size_t>, std::vector<std::size_t>> byNode_;
};

} // namespace pteron
