#include "app/cli/command_help.hpp"

#include <algorithm>
#include <sstream>

namespace pteron {

namespace {

constexpr std::size_t kSummaryColumn = 38;
constexpr std::size_t kOptionColumn = 28;
constexpr std::size_t kWidth = 100;

// Options several commands share, described once.
constexpr OptionHelp kPtd{"--ptd",
                          "",
                          "FILE",
                          "read external constants from this .ptd file (a .ptd beside the program "
                          "with the same stem is found without it)",
                          OptionValue::File,
                          "ptd"};
constexpr OptionHelp kEtdump{"--etdump",
                             "",
                             "FILE",
                             "attach the runtime events of this ETDump (.etdp) to the program: "
                             "timings and debug values per node",
                             OptionValue::File,
                             "etdp"};
constexpr OptionHelp kDebugBuffer{
    "--debug-buffer",  "", "FILE", "the raw tensor bytes an ETDump's debug events point into",
    OptionValue::File, ""};
constexpr OptionHelp kDraftDtypes{
    "--tosa-draft-dtypes",
    "",
    "pre-final|final",
    "how to number the element types of a draft-stamped TOSA file: pre-final drafts still had "
    "UINT8 and UINT16 (default: final)",
    OptionValue::Choice,
    "pre-final final"};
constexpr OptionHelp kPalette{"--palette",
                              "",
                              "FILE",
                              "backend colours as JSON instead of the installed "
                              "share/pteron/backend_palette.json",
                              OptionValue::File,
                              "json"};
constexpr OptionHelp kGraph{"--graph",
                            "",
                            "ID",
                            "the graph to use, by the id `pteron info` prints (default: the first)",
                            OptionValue::Text,
                            ""};

std::vector<CommandHelp> makeCommands() {
    std::vector<CommandHelp> commands;
    commands.push_back(
        {"info",
         {{"info FILE [--json] [--ptd FILE] [--etdump FILE] [--debug-buffer FILE]",
           "summary: format, graphs, inputs/outputs, operators, partitions"}},
         "Prints what FILE holds: its format and version, its metadata, every graph (decoded "
         "delegate payloads, command streams and control-flow regions as child graphs) with its "
         "inputs, outputs and operator histogram, every partition with its backend, device, "
         "target and payload, the constant bytes and any report tables.",
         {{"--json", "", "",
           "print the summary as JSON (schema: share/pteron/schemas/pteron-info.v1.schema.json)"},
          kPtd,
          kEtdump,
          kDebugBuffer,
          kDraftDtypes}});
    commands.push_back(
        {"nodes",
         {{"nodes FILE [--graph ID] [--ptd FILE] [--etdump FILE] [--debug-buffer FILE]",
           "every node with op, placement, inputs and outputs"}},
         "Lists every node of every graph (or of the graph --graph names) with its operator, its "
         "partition and device, its input and output values with dtype and shape, and its "
         "attributes.",
         {kGraph, kPtd, kEtdump, kDebugBuffer, kDraftDtypes}});
    commands.push_back(
        {"export",
         {{"export --to model-explorer FILE [-o out.json] [--max-constant-elements N]",
           "Model Explorer graph JSON (GraphCollection)"},
          {"export --to node-data FILE --metric M|help [-o data.json] [--diff B ...]",
           "Model Explorer node-data overlay of a numeric node attribute (Vela per-layer "
           "reports beside FILE, ETDump timings, MACs; with --diff B and diff's run options the "
           "metrics diff.snr, diff.max_abs, diff.mean_abs, diff.mse, diff.cosine, "
           "diff.mismatched, diff.pass)"},
          {"export --to mapping A B [-o map.json]",
           "Model Explorer sync-navigation mapping between two models that correspond (a "
           "delegate and its TOSA, a TOSA and its VGF, a Vela input and its _vela.tflite)"}},
         "Writes FILE in a form Model Explorer reads: the graph collection, an overlay of one "
         "numeric node attribute, or the mapping that keeps two corresponding models in step.",
         {{"--to", "", "model-explorer|node-data|mapping", "what to write", OptionValue::Choice,
           "model-explorer node-data mapping"},
          {"--output", "-o", "FILE", "write to FILE instead of standard output", OptionValue::File,
           ""},
          {"--max-constant-elements", "", "N",
           "model-explorer: constants with at most N elements are shown with their values",
           OptionValue::Text, ""},
          {"--metric", "", "M|help",
           "node-data: the node attribute to export; help lists those the model carries",
           OptionValue::Text, ""},
          {"--diff", "", "B",
           "node-data: compare FILE with B as `pteron diff FILE B` does and overlay the diff.* "
           "metrics; diff's options apply: --inputs, --input, --seed, --method, --delegate-a, "
           "--delegate, --threads, --rtol, --atol, --steps as for diff",
           OptionValue::File, ""},
          kPalette,
          kPtd,
          kEtdump,
          kDraftDtypes}});
    commands.push_back(
        {"ethosu",
         {{"ethosu FILE [--registers] [--ptd FILE]",
           "decoded Ethos-U NPU operations of a Vela .tflite or a .pte delegate; --registers "
           "adds the raw register writes"}},
         "Prints every Ethos-U command stream in FILE as NPU operations (DMA, convolutions, "
         "pooling, elementwise, waits) with their feature maps, kernels and memory regions.",
         {{"--registers", "", "", "also print the raw register writes of every operation"},
          kPtd,
          kDraftDtypes}});
    commands.push_back(
        {"run",
         {{"run FILE [--method NAME] [--input NAME=FILE.npy]... [--inputs DIR] [--seed N] "
           "[--ptd FILE]\n    [--delegate PARTITION=FILE]... [-o DIR] [--trace] [--threads N] "
           "[--json]",
           "execute with the built-in runtime; outputs (and with --trace every intermediate "
           "tensor, indexed by trace.json) as .npy in DIR (default pteron-run); missing inputs "
           "are seeded random"},
          {"run --check FILE [--delegate PARTITION=FILE]... [--json]",
           "per partition: can it run, and every node that cannot"},
          {"run FILE.bpte --verify [--rtol R] [--atol A]",
           "every bundled test case of every method against its expected outputs (floats "
           "within atol + rtol * |value|, default 1e-8 and 1e-5; other types exact)"}},
         "Executes a method of FILE with pteron's built-in runtime: its nodes in order, "
         "delegate calls through their decoded payloads, control flow through its regions. "
         "Inputs not given are seeded random values over the input's range. Each output is "
         "written as .npy named after its value, and the report gives each output's dtype, "
         "shape and statistics and the time per partition and per operator kind.",
         {{"--method", "", "NAME", "the method (graph) to run (default: the first)",
           OptionValue::Text, ""},
          {"--input", "", "NAME=FILE.npy",
           "the value of one input, by name or position; may be repeated", OptionValue::Text, ""},
          {"--inputs", "", "DIR",
           "read inputs from DIR/NAME.npy (or inputN.npy, placeholder_N.npy by position)",
           OptionValue::Directory, ""},
          {"--seed", "", "N", "seed of the random inputs (the same seed gives the same values)",
           OptionValue::Text, ""},
          {"--delegate", "", "PARTITION=FILE",
           "run a delegate from another file instead of its payload; may be repeated",
           OptionValue::Text, ""},
          {"--output", "-o", "DIR", "the folder for the outputs (default pteron-run)",
           OptionValue::Directory, ""},
          {"--trace", "", "",
           "also write every intermediate tensor, indexed by DIR/trace.json (schema: "
           "share/pteron/schemas/pteron-run-trace.v1.schema.json)"},
          {"--threads", "", "N",
           "worker threads (default: all cores); results are the same for any count",
           OptionValue::Text, ""},
          {"--json", "", "",
           "print the report as JSON (schemas: share/pteron/schemas/pteron-run.v1.schema.json, "
           "with --check pteron-run-check.v1.schema.json)"},
          {"--check", "", "",
           "do not run: list per partition whether it can run and every node that cannot"},
          {"--verify", "", "",
           "run every bundled test case of a .bpte and compare with its expected outputs"},
          {"--rtol", "", "R", "--verify: relative tolerance for floats (default 1e-5)",
           OptionValue::Text, ""},
          {"--atol", "", "A", "--verify: absolute tolerance for floats (default 1e-8)",
           OptionValue::Text, ""},
          kPtd,
          kEtdump,
          kDraftDtypes}});
    commands.push_back(
        {"diff",
         {{"diff A B [--inputs DIR] [--input NAME=FILE.npy]... [--seed N] [--method NAME]\n"
           "     [--delegate-a PARTITION=FILE]... [--delegate PARTITION=FILE]... [--threads N]\n"
           "     [--rtol R] [--atol A] [--steps N] [--json]",
           "run both artifacts of one model on the same inputs and compare every pair of "
           "corresponding tensors in A's execution order; --delegate-a replaces delegates of "
           "A, --delegate those of B"},
          {"diff FILE.pte --etdump RUN.etdp [--debug-buffer BUF.bin] [--inputs DIR] ...",
           "the tensors a device logged in its ETDump against the built-in runtime"},
          {"diff --tensors A_DIR B_DIR [--rtol R] [--atol A] [--steps N] [--json]",
           "two folders of .npy tensors, matched by trace.json or by name"}},
         "Finds where the numbers go wrong: every pair of tensors that correspond (node outputs "
         "at every depth, delegate boundaries, final outputs) is compared with max-abs, "
         "mean-abs, MSE, SNR, cosine similarity and mismatched elements, in side A's execution "
         "order, and the first one outside its tolerance is named on top. Integers of one dtype "
         "must agree exactly (or within --steps N), floats within atol + rtol * |a|, a "
         "quantised side against a float side within (steps + 1) quantisation steps plus the "
         "float tolerance.",
         {{"--inputs", "", "DIR",
           "read inputs from DIR/NAME.npy (or inputN.npy, placeholder_N.npy by position)",
           OptionValue::Directory, ""},
          {"--input", "", "NAME=FILE.npy",
           "the value of one input, by name or position; may be repeated", OptionValue::Text, ""},
          {"--seed", "", "N", "seed of the random inputs (the same seed gives the same values)",
           OptionValue::Text, ""},
          {"--method", "", "NAME", "the method (graph) of A to run (default: the first)",
           OptionValue::Text, ""},
          {"--delegate-a", "", "PARTITION=FILE",
           "run a delegate of side A from another file instead of its payload (a Vela "
           "ethos-u operator from the .tflite it was compiled from); may be repeated",
           OptionValue::Text, ""},
          {"--delegate", "", "PARTITION=FILE",
           "run a delegate of side B (of the program with --etdump) from another file instead "
           "of its payload; may be repeated",
           OptionValue::Text, ""},
          {"--etdump", "", "FILE",
           "compare the debug tensors of this ETDump (.etdp) with a run of the program",
           OptionValue::File, "etdp"},
          kDebugBuffer,
          {"--tensors", "", "", "compare two folders of .npy tensors instead of two models"},
          {"--threads", "", "N",
           "worker threads (default: all cores); results are the same for any count",
           OptionValue::Text, ""},
          {"--rtol", "", "R", "relative tolerance for floats (default 1e-5)", OptionValue::Text,
           ""},
          {"--atol", "", "A", "absolute tolerance for floats (default 1e-8)", OptionValue::Text,
           ""},
          {"--steps", "", "N", "allowed difference of integers in quantisation steps (default 0)",
           OptionValue::Text, ""},
          {"--json", "", "",
           "print {first_divergence, tensors, notes} as JSON, tensors in execution order"},
          kPtd,
          kDraftDtypes}});
    commands.push_back(
        {"render",
         {{"render FILE [--graph ID] [--left-to-right] [--no-clusters] [--ptd FILE] [--palette "
           "FILE]\n       [--format svg|png|dot] -o out.{svg,png,dot}",
           "a graph drawn with Graphviz dot"}},
         "Draws one graph of FILE with Graphviz dot, nodes coloured by placement and partitions "
         "drawn as clusters.",
         {kGraph,
          {"--left-to-right", "", "", "lay the graph out from left to right"},
          {"--no-clusters", "", "", "do not draw partitions as clusters"},
          {"--format", "", "svg|png|dot", "the output format (default: from the file name)",
           OptionValue::Choice, "svg png dot"},
          {"--output", "-o", "FILE", "the file to write", OptionValue::File, "svg|png|dot"},
          kPalette,
          kPtd,
          kEtdump,
          kDraftDtypes}});
    return commands;
}

constexpr ExitCodeHelp kExitCodes[] = {
    {0, "success"},
    {1, "usage error: an unknown command or option, a missing or malformed argument"},
    {2, "unreadable or malformed input (the message names the file, the format, the byte offset "
        "or table path, and what was expected), or a model or input the runtime cannot "
        "execute: wrong dtype or shape, impossible operation; for diff also files that are "
        "not one model, or an ETDump without tensors to compare"},
    {3, "operators or delegate payloads without a kernel (run, diff)"},
    {4, "a bundled test case does not reproduce its expected outputs (run --verify), or a "
        "compared tensor is outside its tolerance (diff)"},
};

// Breaks `text` into lines of at most `width` columns, the first starting at `column` and
// the others indented to `indent`.
std::string wrapped(std::string_view text, std::size_t column, std::size_t indent,
                    std::size_t width = kWidth) {
    std::string result;
    std::istringstream words{std::string(text)};
    std::string word;
    std::size_t at = column;
    bool lineEmpty = true;
    while (words >> word) {
        if (!lineEmpty && at + 1 + word.size() > width) {
            result += "\n" + std::string(indent, ' ');
            at = indent;
            lineEmpty = true;
        }
        if (!lineEmpty) {
            result += ' ';
            ++at;
        }
        result += word;
        at += word.size();
        lineEmpty = false;
    }
    return result;
}

std::string optionLabel(const OptionHelp& option) {
    std::string label = option.shortName.empty() ? "" : std::string(option.shortName) + ", ";
    label += option.name;
    if (!option.argument.empty()) label += " " + std::string(option.argument);
    return label;
}

// A synopsis with its continuation lines shifted right by `indent` columns.
std::string indentedSynopsis(std::string_view synopsis, std::size_t indent) {
    std::string text;
    for (const char c : synopsis) {
        text += c;
        if (c == '\n') text += std::string(indent, ' ');
    }
    return text;
}

std::string exitCodesText() {
    std::string text = "exit codes:\n";
    for (const auto& [code, meaning] : kExitCodes)
        text += "  " + std::to_string(code) + "  " + wrapped(meaning, 5, 5) + "\n";
    return text;
}

} // namespace

std::span<const CommandHelp> commandHelps() {
    static const std::vector<CommandHelp> commands = makeCommands();
    return commands;
}

std::span<const ExitCodeHelp> exitCodeHelps() {
    return kExitCodes;
}

const CommandHelp* findCommandHelp(std::string_view name) {
    const auto commands = commandHelps();
    const auto it =
        std::find_if(commands.begin(), commands.end(),
                     [name](const CommandHelp& command) { return command.name == name; });
    return it == commands.end() ? nullptr : &*it;
}

std::string_view modelFileExtensions() {
    return "pte|bpte|ptd|etdp|tosa|vgf|tflite|onnx|csv|npz";
}

std::string_view programPurpose() {
    return "inspect and run ExecuTorch, TOSA, VGF and Vela deployment artifacts";
}

std::string overviewText() {
    std::string text = "usage: pteron COMMAND [options] FILE\n"
                       "       pteron COMMAND --help\n"
                       "       pteron --version\n\n"
                       "commands:\n";
    for (const auto& command : commandHelps()) {
        for (const auto& form : command.forms) {
            text += "  " + indentedSynopsis(form.synopsis, 2) + "\n";
            text += std::string(kSummaryColumn, ' ') +
                    wrapped(form.summary, kSummaryColumn, kSummaryColumn) + "\n";
        }
    }
    text += "every command that opens a file also takes --tosa-draft-dtypes pre-final: read a "
            "draft-stamped\n  TOSA file's element types in the numbering of pre-final drafts "
            "(which still had UINT8, UINT16)\n";
    text += "`pteron COMMAND --help` lists every option of COMMAND.\n";
    return text + exitCodesText();
}

std::string commandHelpText(const CommandHelp& command) {
    std::string text;
    bool first = true;
    for (const auto& form : command.forms) {
        text += (first ? "usage: pteron " : "       pteron ") +
                indentedSynopsis(form.synopsis, 14) + "\n";
        first = false;
    }
    text += "\n" + wrapped(command.description, 0, 0) + "\n\noptions:\n";
    for (const auto& option : command.options) {
        auto label = "  " + optionLabel(option);
        if (label.size() + 2 > kOptionColumn)
            label += "\n" + std::string(kOptionColumn, ' ');
        else
            label += std::string(kOptionColumn - label.size(), ' ');
        text += label + wrapped(option.text, kOptionColumn, kOptionColumn) + "\n";
    }
    text += "  -h, --help" + std::string(kOptionColumn - 12, ' ') + "print this help and exit\n";
    return text + exitCodesText();
}

} // namespace pteron
