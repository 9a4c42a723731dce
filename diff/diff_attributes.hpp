// Writes a diff's per-tensor metrics onto side A's nodes as numeric attributes ("diff.snr",
// "diff.max_abs", ...), so overlays and views can colour the graph by error.
#pragma once

#include "core/model.hpp"
#include "diff/diff_report.hpp"

#include <array>
#include <string_view>

namespace pteron::diff {

// The attribute names written, each the worst value over a node's compared outputs:
// diff.max_abs, diff.mean_abs, diff.mse (largest), diff.snr, diff.cosine (smallest),
// diff.mismatched (sum), diff.pass (0 or 1).
inline constexpr std::array<std::string_view, 7> kDiffMetrics{
    "diff.max_abs", "diff.mean_abs",   "diff.mse", "diff.snr",
    "diff.cosine",  "diff.mismatched", "diff.pass"};

// Metrics where a larger value means closer agreement.
bool higherIsBetter(std::string_view metric);

// An infinite SNR (identical tensors) is written as this many dB, so a colour scale stays finite.
inline constexpr double kIdenticalSnrDb = 200;

// Annotates the nodes of `model` (side A of `report`) that have compared rows.
void attachDiffMetrics(Model& model, const DiffReport& report);

} // namespace pteron::diff
