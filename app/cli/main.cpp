// pteron: the headless command line of the inspector.
#include "app/cli/command_line.hpp"
#include "app/cli/diff_command.hpp"
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
                                      (Vela per-layer reports beside FILE, ETDump timings, MACs);
                                      with --diff B [and diff's run options] the metrics
                                      diff.snr, diff.max_abs, diff.mean_abs, diff.mse,
                                      diff.cosine, diff.mismatched, diff.pass of a diff A B
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
  diff A B [--inputs DIR] [--input NAME=FILE.npy]... [--seed N] [--method NAME]
       [--delegate PARTITION=FILE]... [--threads N] [--rtol R] [--atol A] [--steps N] [--json]
                                      run both artifacts of one model on the same inputs and
                                      compare every pair of corresponding tensors in A's execution
                                      order; --delegate replaces delegates of B only
  diff FILE.pte --etdump RUN.etdp [--debug-buffer BUF.bin] [--inputs DIR] ...
                                      the tensors a device logged against the built-in runtime
  diff --tensors A_DIR B_DIR [--rtol R] [--atol A] [--steps N] [--json]
                                      two folders of .npy tensors, matched by trace.json or name
    tolerances: integers of one dtype exact (or within --steps N), floats within
    atol + rtol * |a| (default 1e-8 and 1e-5), a quantised side against a float side within
    (steps + 1) quantisation steps plus the float tolerance
  render FILE [--graph ID] [--left-to-right] [--no-clusters] [--ptd FILE] [--palette FILE]
         [--format svg|png|dot] -o out.{svg,png,dot}
                                      a graph drawn with Graphviz dot
every command that opens a file also takes --tosa-draft-dtypes pre-final: read a draft-stamped
  TOSA file's element types in the numbering of pre-final drafts (which still had UINT8, UINT16)
exit codes: 0 success, 1 usage error, 2 unreadable or malformed input (or a model or input
            the runtime cannot execute: wrong dtype or shape, impossible operation),
            3 operators or delegate payloads without a kernel (run),
            4 a bundled test case does not reproduce its expected outputs (run --verify),
              or a compared tensor is outside its tolerance (diff)
)";

int dispatch(const std::string& command, std::span<const std::string> args) {
    if (command == "info") return pteron::runInfoCommand(args, std::cout);
    if (command == "nodes") return pteron::runNodesCommand(args, std::cout);
    if (command == "export") return pteron::runExportCommand(args, std::cout);
    if (command == "ethosu") return pteron::runEthosuCommand(args, std::cout, std::cerr);
    if (command == "render") return pteron::runRenderCommand(args, std::cout);
    if (command == "run") return pteron::runRunCommand(args, std::cout, std::cerr);
    if (command == "diff") return pteron::runDiffCommand(args, std::cout, std::cerr);
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
