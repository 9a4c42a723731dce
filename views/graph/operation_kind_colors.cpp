#include "views/graph/operation_kind_colors.hpp"

#include <array>

namespace pteron {

namespace {

constexpr std::string_view kNpuPrefix = "ethosu.";

struct KindShade {
    std::string_view kind;
    double saturation;
    double lightness;
};

// Compute kinds are saturated and mid-light, data movement and synchronisation pale, so the
// work stands out from the bookkeeping around it.
constexpr std::array<KindShade, 9> kShades{{
    {"CONV", 0.90, 0.50},
    {"DEPTHWISE", 0.75, 0.64},
    {"POOL", 0.60, 0.76},
    {"ELEMENTWISE", 1.00, 0.36},
    {"RESIZE", 0.45, 0.56},
    {"DMA", 0.35, 0.84},
    {"DMA_WAIT", 0.15, 0.91},
    {"KERNEL_WAIT", 0.15, 0.91},
    {"STOP", 0.15, 0.91},
}};

} // namespace

std::string_view npuOperationKind(const Node& node) {
    const std::string_view op = node.op;
    if (!op.starts_with(kNpuPrefix)) return {};
    return op.substr(kNpuPrefix.size());
}

QColor operationKindColor(const QColor& backend, std::string_view kind) {
    for (const auto& shade : kShades) {
        if (shade.kind != kind) continue;
        // An achromatic backend colour has no hue to keep: vary its lightness only.
        const double hue = backend.hslHueF() < 0 ? 0.0 : backend.hslHueF();
        const double saturation = backend.hslHueF() < 0 ? 0.0 : shade.saturation;
        return QColor::fromHslF(float(hue), float(saturation), float(shade.lightness));
    }
    return backend;
}

} // namespace pteron
