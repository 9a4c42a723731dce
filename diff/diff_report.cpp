#include "diff/diff_report.hpp"

#include <algorithm>

namespace pteron::diff {

const DiffRow* DiffReport::firstDivergence() const {
    for (const auto& row : rows)
        if (!row.metrics.pass) return &row;
    return nullptr;
}

void DiffReport::sort() {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const DiffRow& x, const DiffRow& y) { return x.order < y.order; });
}

} // namespace pteron::diff
