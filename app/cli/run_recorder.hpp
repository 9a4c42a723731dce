// Observes a run: time per partition and per operator kind, and with tracing every node output
// written as .npy with a trace.json index.
#pragma once

#include "runtime/observer.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace pteron {

struct OperatorTime {
    std::size_t count = 0;
    double seconds = 0;
};

class RunRecorder : public runtime::Observer {
  public:
    // `traceFolder` set: every node output is written there.
    explicit RunRecorder(std::optional<std::string> traceFolder);

    void nodeFinished(const runtime::NodeEvent& event) override;
    // Traces a graph input (node -1, op "input") so a trace holds every tensor of the run.
    void recordInput(const Graph& graph, std::size_t position, const runtime::Tensor& tensor);

    // Partition label -> seconds, for nodes of the graph that was run (delegates whole).
    const std::map<std::string, double>& partitionSeconds() const { return partitions_; }
    // Operator -> count and seconds at every depth except the delegate calls themselves.
    const std::map<std::string, OperatorTime>& operatorTimes() const { return operators_; }
    // The trace.json index: {graph, node, op, output, value, file, dtype, shape} per tensor.
    const nlohmann::json& trace() const { return trace_; }
    std::string writeTraceIndex() const;

  private:
    void writeTensor(const Graph& graph, std::int64_t node, const std::string& op,
                     std::size_t output, std::int64_t value, const runtime::Tensor& tensor);

    std::optional<std::string> traceFolder_;
    std::map<std::string, double> partitions_;
    std::map<std::string, OperatorTime> operators_;
    nlohmann::json trace_ = nlohmann::json::array();
    std::map<std::string, int> usedNames_;
};

} // namespace pteron
