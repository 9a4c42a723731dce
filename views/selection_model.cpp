#include "views/selection_model.hpp"

namespace pteron {

void SelectionModel::select(const SelectionTarget& target) {
    if (target == current_) return;
    current_ = target;
    emit changed(current_);
}

} // namespace pteron
