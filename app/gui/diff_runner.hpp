// Compares the open model with another file for the app, off the UI thread: a second artifact
// of the model (run on the same seeded inputs), an ETDump a device wrote, or a folder of
// tensors.
#pragma once

#include "core/model.hpp"
#include "views/diff_results.hpp"

#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace pteron {

// Shared between the UI, which reads the count and may cancel, and the worker.
struct DiffProgress {
    std::atomic<std::uint64_t> nodes{0};
    std::atomic<bool> cancel{false};
};

class DiffCancelled : public std::runtime_error {
  public:
    DiffCancelled() : std::runtime_error("the comparison was cancelled") {}
};

// How many nodes the two runs will execute at most, for a progress bar.
std::uint64_t expectedDiffNodes(const Model& model);

// Side A is `model`'s first top-level graph on inputs from `seed`. A folder `other` holds .npy
// tensors (a device's dumps, `pteron run --trace` output) compared with the run's outputs; a
// file is opened by its format: an ETDump is compared through its debug events (with NAME.bin
// or debug_buffer.bin beside it as its debug buffer), any other model as side B of
// `pteron diff`. Throws
// DiffCancelled when `progress.cancel` is set, and the diff's errors otherwise.
std::shared_ptr<const DiffResults> diffWithFile(const Model& model, const QString& other,
                                                std::uint64_t seed, unsigned threads,
                                                DiffProgress& progress);

} // namespace pteron
