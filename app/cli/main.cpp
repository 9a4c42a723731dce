// pteron: the headless command line of the inspector.
#include "app/cli/command_help.hpp"
#include "app/cli/command_line.hpp"
#include "app/cli/ethosu_command.hpp"
#include "app/cli/export_command.hpp"
#include "app/cli/info_command.hpp"
#include "app/cli/nodes_command.hpp"
#include "app/cli/render_command.hpp"
#include "app/cli/run_command.hpp"
#include "app/version/build_version.hpp"
#include "core/format_error.hpp"
#include "runtime/runtime_error.hpp"

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

namespace {

// A command's own help when any of its arguments asks for it.
bool asksForHelp(std::span<const std::string> args) {
    return std::any_of(args.begin(), args.end(),
                       [](const std::string& arg) { return arg == "--help" || arg == "-h"; });
}

int dispatch(const std::string& command, std::span<const std::string> args) {
    if (command == "--version") {
        std::cout << pteron::versionLine("pteron") << "\n";
        return 0;
    }
    if (command == "help" && !args.empty())
        return dispatch(args[0], std::vector{std::string("--help")});
    if (asksForHelp(args)) {
        const auto* help = pteron::findCommandHelp(command);
        if (!help) throw pteron::UsageError("unknown command " + command);
        std::cout << pteron::commandHelpText(*help);
        return 0;
    }
    if (command == "info") return pteron::runInfoCommand(args, std::cout);
    if (command == "nodes") return pteron::runNodesCommand(args, std::cout);
    if (command == "export") return pteron::runExportCommand(args, std::cout);
    if (command == "ethosu") return pteron::runEthosuCommand(args, std::cout, std::cerr);
    if (command == "render") return pteron::runRenderCommand(args, std::cout);
    if (command == "run") return pteron::runRunCommand(args, std::cout, std::cerr);
    if (command == "help" || command == "--help" || command == "-h") {
        std::cout << pteron::overviewText();
        return 0;
    }
    throw pteron::UsageError("unknown command " + command);
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << pteron::overviewText();
        return 1;
    }
    try {
        return dispatch(args[0], std::span(args).subspan(1));
    } catch (const pteron::UsageError& error) {
        std::cerr << "pteron: " << error.what() << "\n\n" << pteron::overviewText();
        return 1;
    } catch (const pteron::runtime::RuntimeError& error) {
        std::cerr << "pteron: " << error.what() << "\n";
        return 2;
    } catch (const pteron::FormatError& error) {
        std::cerr << "pteron: " << error.what() << "\n";
        return 2;
    } catch (const std::exception& error) {
        // Anything else is still a file pteron could not show; never abort.
        std::cerr << "pteron: " << args[0] << " failed: " << error.what() << "\n";
        return 2;
    }
}
