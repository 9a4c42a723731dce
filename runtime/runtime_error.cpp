#include "runtime/runtime_error.hpp"

namespace pteron::runtime {

namespace {

std::string summary(const std::vector<MissingKernel>& missing) {
    std::string text = std::to_string(missing.size()) + " operator(s) cannot run";
    for (const auto& item : missing) {
        text += "\n  " + item.graph + " node " + std::to_string(item.node) + " " + item.op;
        if (!item.nodeName.empty()) text += " (" + item.nodeName + ")";
        text += ": " + item.reason;
    }
    return text;
}

} // namespace

MissingKernelsError::MissingKernelsError(std::vector<MissingKernel> missing)
    : RuntimeError(summary(missing)), missing_(std::move(missing)) {}

} // namespace pteron::runtime
