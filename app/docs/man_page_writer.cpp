#include "app/docs/man_page_writer.hpp"

#include "app/cli/command_help.hpp"
#include "app/gui/gui_options.hpp"
#include "app/version/build_version.hpp"

#include <cctype>

namespace pteron {

namespace {

// Text as roff reads it literally: backslashes escaped, hyphens as minus signs (so options copy
// and paste), no line taken for a request.
std::string roff(std::string_view text) {
    std::string result;
    bool lineStart = true;
    for (const char c : text) {
        if (lineStart && (c == '.' || c == '\'')) result += "\\&";
        if (c == '\\')
            result += "\\e";
        else if (c == '-')
            result += "\\-";
        else
            result += c;
        lineStart = c == '\n';
    }
    return result;
}

// A synopsis on one line: continuation breaks and their indentation become one space.
std::string oneLine(std::string_view synopsis) {
    std::string line;
    bool skipping = false;
    for (const char c : synopsis) {
        if (c == '\n') {
            line += ' ';
            skipping = true;
            continue;
        }
        if (skipping && c == ' ') continue;
        skipping = false;
        line += c;
    }
    return line;
}

std::string header(std::string_view program, std::string_view purpose) {
    std::string upper;
    for (const char c : program)
        upper += char(std::toupper(static_cast<unsigned char>(c)));
    return ".TH " + roff(upper) + " 1 \"\" \"pteron " + std::string(kVersion) +
           "\" \"User Commands\"\n"
           // No hyphenation or justification: options stay whole and copy as typed.
           ".nh\n.ad l\n.SH NAME\n" +
           roff(program) + " \\- " + roff(purpose) + "\n";
}

std::string optionItem(const OptionHelp& option) {
    std::string label;
    if (!option.shortName.empty()) label += "\\fB" + roff(option.shortName) + "\\fR, ";
    label += "\\fB" + roff(option.name) + "\\fR";
    if (!option.argument.empty()) label += " \\fI" + roff(option.argument) + "\\fR";
    return ".TP\n" + label + "\n" + roff(option.text) + "\n";
}

std::string commandSection(const CommandHelp& command) {
    std::string text = ".SS " + roff(command.name) + "\n";
    for (const auto& form : command.forms)
        text += ".PP\n\\fBpteron " + roff(oneLine(form.synopsis)) + "\\fR\n.RS\n" +
                roff(form.summary) + "\n.RE\n";
    text += ".PP\n" + roff(command.description) + "\n";
    for (const auto& option : command.options)
        text += optionItem(option);
    return text;
}

} // namespace

std::string cliManPage() {
    std::string page = header("pteron", programPurpose());
    page += ".SH SYNOPSIS\n"
            "\\fBpteron\\fR \\fICOMMAND\\fR [\\fIoptions\\fR] \\fIFILE\\fR\n.br\n"
            "\\fBpteron\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR\n.br\n"
            "\\fBpteron \\-\\-help\\fR | \\fB\\-\\-version\\fR\n";
    page += ".SH DESCRIPTION\n" +
            roff("pteron reads the artifacts the ExecuTorch, Arm Ethos-U, TOSA and ML SDK for "
                 "Vulkan toolchains produce (ExecuTorch programs .pte and bundled programs .bpte "
                 "with their .ptd companions and ETDumps .etdp, TOSA flatbuffers .tosa, Vela's "
                 "optimised .tflite with its command stream and reports, VGF files .vgf, plain "
                 "TFLite and ONNX) into one graph model. Delegate payloads are decoded into child "
                 "graphs. It prints summaries and node lists, exports Model Explorer JSON, draws "
                 "graphs and executes models with its built-in runtime.") +
            "\n.PP\n" +
            roff("Every command takes -h or --help for its own usage. Output goes to standard "
                 "output; errors and usage messages go to standard error.") +
            "\n";
    page += ".SH COMMANDS\n";
    for (const auto& command : commandHelps())
        page += commandSection(command);
    page += ".SH EXIT STATUS\n";
    for (const auto& [code, meaning] : exitCodeHelps())
        page += ".TP\n.B " + std::to_string(code) + "\n" + roff(meaning) + "\n";
    page += ".SH FILES\n"
            ".TP\n\\fIshare/pteron/backend_palette.json\\fR\n" +
            roff("Backend colours of the exports and drawings, looked up in ../share/pteron from "
                 "the folder of the pteron binary (/usr/share/pteron in the Debian package).") +
            "\n.TP\n\\fIshare/pteron/schemas/\\fR\n" +
            roff("JSON Schemas (draft 2020-12) of the JSON that info --json, run --json, "
                 "run --check --json and run --trace write; the file names carry the version.") +
            "\n";
    page += ".SH SEE ALSO\n.BR pteron\\-gui (1)\n";
    return page;
}

std::string guiManPage() {
    std::string page = header("pteron-gui", kGuiPurpose);
    page += ".SH SYNOPSIS\n"
            "\\fBpteron\\-gui\\fR [\\fIoptions\\fR] [\\fIFILE\\fR...]\n.br\n"
            "\\fBpteron\\-gui \\-\\-screenshot\\fR \\fIOUT.png\\fR [\\fIoptions\\fR] "
            "\\fIFILE\\fR\n";
    page += ".SH DESCRIPTION\n" + roff(kGuiDescription) + "\n";
    page += ".SH OPTIONS\n";
    for (const auto& option : kGuiOptions) {
        page += ".TP\n\\fB\\-\\-" + roff(option.name) + "\\fR";
        if (!option.valueName.empty()) page += " \\fI" + roff(option.valueName) + "\\fR";
        page += "\n" + roff(option.text) + "\n";
    }
    page += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint the options and exit.\n"
            ".TP\n\\fB\\-\\-help\\-all\\fR\nPrint the options and Qt's own options, and exit.\n"
            ".TP\n\\fB\\-v\\fR, \\fB\\-\\-version\\fR\nPrint the version and exit.\n"
            ".TP\n\\fI" +
            roff(kGuiFilesName) + "\\fR\n" + roff(kGuiFilesText) + "\n";
    page += ".SH EXIT STATUS\n"
            ".TP\n.B 0\nsuccess\n"
            ".TP\n.B 1\n" +
            roff("usage error (an unknown option, --screenshot without exactly one FILE), or a "
                 "screenshot that could not be made") +
            "\n.TP\n.B 2\n" + roff("with --screenshot: the model file cannot be read") + "\n";
    page += ".SH ENVIRONMENT\n.TP\n.B QT_QPA_PLATFORM\n" +
            roff("offscreen makes screenshots without a display.") + "\n";
    page += ".SH SEE ALSO\n.BR pteron (1)\n";
    return page;
}

} // namespace pteron
