// Owning handles for Graphviz contexts and graphs, so every exit path frees them.
#pragma once

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>

namespace pteron {

struct GvContextDeleter {
    void operator()(GVC_t* context) const { gvFreeContext(context); }
};
struct AgraphDeleter {
    void operator()(Agraph_t* graph) const { agclose(graph); }
};

using GvContext = std::unique_ptr<GVC_t, GvContextDeleter>;
using CGraph = std::unique_ptr<Agraph_t, AgraphDeleter>;

// Frees a layout when it goes out of scope; the graph must outlive it.
class LayoutGuard {
  public:
    LayoutGuard(GVC_t* context, Agraph_t* graph) : context_(context), graph_(graph) {}
    LayoutGuard(const LayoutGuard&) = delete;
    LayoutGuard& operator=(const LayoutGuard&) = delete;
    ~LayoutGuard() { gvFreeLayout(context_, graph_); }

  private:
    GVC_t* context_;
    Agraph_t* graph_;
};

} // namespace pteron
