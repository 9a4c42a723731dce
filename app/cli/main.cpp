// pteron: the headless command line of the inspector.
#include "app/cli/command_line.hpp"
#include "app/cli/ethosu_command.hpp"
#include "app/cli/export_command.hpp"
#include "app/cli/info_command.hpp"
#include "app/cli/nodes_command.hpp"
#include "app/cli/render_command.hpp"
#include "app/cli/run_command.hpp"
#include "core/format_error.hpp"
#include "runtime/runtime_error.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage = R"(usage: pteron COMMAND [options] FILE

commands:
  info FILE [--json] [--ptd FILE] [--etdump FILE]
                                      summary: format, graphs, inputs/outputs, operators, partitions
  nodes FILE [--graph ID] [--ptd FILE] [--etdump FILE]
                                      every node with op, placement, inputs and outputs
    info and nodes also take --debug-buffer FILE: the tensor bytes of an ETDump's debug events
  export --to model-explorer FILE [-o out.json] [--max-constant-elements N]
                                      Model Explorer graph JSON (GraphCollection)
  export --to node-data FILE --metric M|help [-o data.json]
                                      Model Explorer node-data overlay of a numeric node attribute
                                      (Vela per-layer reports beside FILE, ETDump timings, MACs)
  export --to mapping A B [-o map.json]
                                      Model Explorer sync-navigation mapping between two models
                                      that correspond (a delegate and its TOSA, a TOSA and its
                                      VGF, a Vela input and its _vela.tflite)
    every export also takes --ptd FILE (external constants), --etdump FILE (runtime timings
    attached to the program) and --palette FILE (backend colours JSON)
  ethosu FILE [--registers] [--ptd FILE]
                                      decoded Ethos-U NPU operations of a Vela .tflite or a .pte
                                      delegate; --registers adds the raw register writes
  run FILE [--method NAME] [--input NAME=FILE.npy]... [--inputs DIR] [--seed N] [--ptd FILE]
      [--delegate PARTITION=FILE]... [-o DIR] [--trace] [--threads N] [--json]
                                      execute with the built-in runtime; outputs (and with --trace
                                      every intermediate tensor, indexed by trace.json) as .npy in
                                      DIR (default pteron-run); missing inputs are seeded random
  run --check FILE [--delegate PARTITION=FILE]...
                                      per partition: can it run, and every node that cannot
  run FILE.bpte --verify [--rtol R] [--atol A]
                                      every bundled test case of every method against its
                                      expected outputs (floats within atol + rtol * |value|,
                                      default 1e-8 and 1e-5; other types exact)
  render FILE [--graph ID] [--left-to-right] [--no-clusters] [--ptd FILE] [--palette FILE]
         [--format svg|png|dot] -o out.{svg,png,dot}
                                      a graph drawn with Graphviz dot
every command that opens a file also takes --tosa-draft-dtypes pre-final: read a draft-stamped
  TOSA file's element types in the numbering of pre-final drafts (which still had UINT8, UINT16)
exit codes: 0 success, 1 usage error, 2 unreadable or malformed input (or a model or input
            the runtime cannot execute: wrong dtype or shape, impossible operation),
            3 operators or delegate payloads without a kernel (run),
            4 a bundled test case does not reproduce its expected outputs (run --verify)
)";

int dispatch(const std::string& command, std::span<const std::string> args) {
    if (command == "info") return pteron::runInfoCommand(args, std::cout);
    if (command == "nodes") return pteron::runNodesCommand(args, std::cout);
    if (command == "export") return pteron::runExportCommand(args, std::cout);
    if (command == "ethosu") return pteron::runEthosuCommand(args, std::cout, std::cerr);
    if (command == "render") return pteron::runRenderCommand(args, std::cout);
    if (command == "run") return pteron::runRunCommand(args, std::cout, std::cerr);
    if (command == "help" || command == "--help" || command == "-h") {
        std::cout << kUsage;
        return 0;
    }
    throw pteron::UsageError("unknown command " + command);
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << kUsage;
        return 1;
    }
    try {
        return dispatch(args[0], std::span(args).subspan(1));
    } catch (const pteron::UsageError& error) {
        std::cerr << "pteron: " << error.what() << "\n\n" << kUsage;
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
