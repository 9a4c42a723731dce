// The bars of a profiling timeline: one per timed event of a run, nested by time containment.
#pragma once

#include "core/graph.hpp"
#include "core/model.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pteron {

// One timed event: where it sits on the time axis and in which row (its nesting depth).
struct TimelineBar {
    std::size_t node = 0; // index of the event's node in its run graph
    std::string label;
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    std::size_t row = 0;                     // 0 for events no other event contains
    std::optional<std::size_t> parent;       // bar index of the innermost containing event
    std::optional<std::int64_t> instruction; // chain-0 instruction index, when the event has one
    bool delegate = false;                   // logged by a delegate about its own work

    std::uint64_t duration() const { return end - start; }
};

struct Timeline {
    std::vector<TimelineBar> bars; // ordered by start time, containing events first
    std::uint64_t start = 0;       // earliest start of any bar
    std::uint64_t end = 0;         // latest end of any bar
    std::size_t rows = 0;

    std::uint64_t span() const { return end - start; }
};

// Bars for the events of `run` that carry "start" and "end" times (profile events); debug and
// allocation events have no times and are left out. An event is nested under the innermost
// event whose span contains it; with equal spans the host event contains the delegate's.
Timeline buildTimeline(const Graph& run);

// The run with the most timed events, or nothing when no graph has any.
std::optional<std::size_t> busiestRun(const Model& model);

} // namespace pteron
