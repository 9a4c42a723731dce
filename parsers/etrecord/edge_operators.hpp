// Names the operators of serialized ExportedProgram graphs the way ExecuTorch programs do: the
// functional overload a graph calls ("aten.add.Tensor") becomes the out variant the runtime's
// kernels are registered under ("aten::add.out"), and named arguments get schema positions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pteron::etrecord {

struct OperatorName {
    std::string ns;          // "aten", "quantized_decomposed", "higher_order"; empty for others
    std::string name;        // "add"
    std::string overload;    // "Tensor"; "default" when the target names none
    bool isOperator = false; // false for targets such as _operator.getitem or delegate calls
};

// Splits a node target: "torch.ops.aten.add.Tensor", "executorch.exir.dialects.edge.ops.aten.
// add.Tensor", "aten.add.Tensor" and the flattened "executorch_exir_dialects_edge__ops_aten_add_
// Tensor" all give {aten, add, Tensor}.
OperatorName parseTarget(std::string_view target);

// The canonical op of a node: "aten::add.out" for operators, the target itself otherwise.
std::string outVariantOp(const OperatorName& op);

// Schema position of the argument `name` of `op`, for operators whose calls may leave
// arguments before it at their defaults; nullopt when the op's schema is not listed (arguments
// then take their position in the call) and when the listed schema has no such argument.
std::optional<std::size_t> argumentPosition(const OperatorName& op, std::string_view name);
// Whether argumentPosition knows the schema of `op`.
bool hasListedSchema(const OperatorName& op);

} // namespace pteron::etrecord
