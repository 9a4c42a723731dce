// The desktop application's command-line options in one table, read by its option parser (for
// --help) and by the manual-page generator.
#pragma once

#include <array>
#include <string_view>

namespace pteron {

struct GuiOption {
    std::string_view name;      // without dashes: "screenshot"
    std::string_view valueName; // "FILE" for an option with a value, empty for a flag
    std::string_view text;
    std::string_view extensions; // completion: the value's file extensions ("png"), if a file
};

inline constexpr std::string_view kGuiPurpose =
    "desktop inspector for edge-AI deployment artifacts";
inline constexpr std::string_view kGuiDescription =
    "Opens ExecuTorch programs (.pte, .bpte, .ptd, ETDump .etdp), TOSA flatbuffers (.tosa), "
    "Vela's optimised .tflite with its reports, VGF files (.vgf), TFLite and ONNX models in "
    "tabs, with delegate payloads decoded into child graphs, placement colours, properties, a "
    "tensor viewer and search; an ETDump's profile events show on a timeline, on their own or "
    "attached to their program (Model > Attach ETDump).";
inline constexpr std::string_view kGuiFilesName = "FILE";
inline constexpr std::string_view kGuiFilesText = "Model files to open, each in its own tab.";

inline constexpr std::array<GuiOption, 5> kGuiOptions{{
    {"screenshot", "PNG",
     "Open the one FILE given, render the window to the file PNG and exit: 0 when written, 1 for "
     "a usage error or another failure, 2 when FILE cannot be read.",
     "png"},
    {"select", "NODE", "With --screenshot: select NODE (an index, a node name or an operator).",
     ""},
    {"horizontal", "", "With --screenshot: lay the graph out from left to right.", ""},
    {"expand", "", "With --screenshot: draw decoded delegates inside their graph.", ""},
    {"stripes", "",
     "With --screenshot: draw command streams operation by operation instead of by layer.", ""},
}};

} // namespace pteron
