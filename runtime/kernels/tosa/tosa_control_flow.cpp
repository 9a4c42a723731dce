// TOSA COND_IF and WHILE_LOOP, which run the node's child graphs as regions (COND_IF: [then,
// else] with operand 0 the condition; WHILE_LOOP: [cond, body]), and the variable operators
// VARIABLE, VARIABLE_READ and VARIABLE_WRITE, whose state outlives one run of the model.
#include "runtime/constant_tensor.hpp"
#include "runtime/kernels/tosa/tosa_family.hpp"
#include "runtime/kernels/tosa/tosa_operands.hpp"

#include <optional>

namespace pteron::runtime::tosa {

namespace {

// A loop that runs this often is taken for one that never stops.
constexpr std::int64_t kMaxIterations = 1'000'000;

bool truth(const KernelContext& ctx, const Tensor& condition) {
    if (condition.dtype() != DType::Bool || condition.elementCount() != 1)
        ctx.fail("condition must be one bool, given " + condition.typeText());
    return condition.elements<std::uint8_t>()[0] != 0;
}

void setOutputs(KernelContext& ctx, std::vector<Tensor> outputs) {
    if (outputs.size() != ctx.outputCount())
        ctx.fail("region gives " + std::to_string(outputs.size()) + " outputs, the node has " +
                 std::to_string(ctx.outputCount()));
    for (std::size_t i = 0; i < outputs.size(); ++i)
        ctx.setOutput(i, std::move(outputs[i]));
}

void condIf(KernelContext& ctx) {
    const auto& regions = ctx.node().childGraphs;
    if (regions.size() != 2) ctx.fail("needs a then and an else region");
    const bool taken = truth(ctx, ctx.input(0));
    std::vector<Tensor> inputs;
    for (std::size_t i = 1; i < ctx.inputCount(); ++i)
        inputs.push_back(ctx.input(i));
    setOutputs(ctx, ctx.runGraph(regions[taken ? 0 : 1], std::move(inputs)));
}

void whileLoop(KernelContext& ctx) {
    const auto& regions = ctx.node().childGraphs;
    if (regions.size() != 2) ctx.fail("needs a cond and a body region");
    std::vector<Tensor> state;
    for (std::size_t i = 0; i < ctx.inputCount(); ++i)
        state.push_back(ctx.input(i));
    for (std::int64_t iteration = 0;; ++iteration) {
        if (iteration == kMaxIterations)
            ctx.fail("loop ran " + std::to_string(kMaxIterations) + " times without stopping");
        const auto condition = ctx.runGraph(regions[0], state);
        if (condition.size() != 1) ctx.fail("cond region must give one output");
        if (!truth(ctx, condition.front())) break;
        auto next = ctx.runGraph(regions[1], state);
        if (next.size() != state.size())
            ctx.fail("body region gives " + std::to_string(next.size()) + " values for " +
                     std::to_string(state.size()) + " loop variables");
        state = std::move(next);
    }
    setOutputs(ctx, std::move(state));
}

// The key of a variable value: its variable_name, else its tensor name.
std::string variableKey(const Value& value) {
    if (const auto* name = findAttribute(value.attributes, "variable_name"))
        if (const auto* text = std::get_if<std::string>(&name->value); text && !text->empty())
            return *text;
    return value.name;
}

bool isVariable(const Value& value) {
    return findAttribute(value.attributes, "variable") != nullptr;
}

// The initial value of a variable: its constant bytes, or zeros of its declared type.
Tensor initialValue(const KernelContext& ctx, const Value& value) {
    if (!value.hasShape || value.dtype == DType::Unknown)
        ctx.fail("variable " + value.name + " has no declared type");
    if (value.data.empty()) return Tensor(value.dtype, value.shape);
    return constantTensor(ctx.graph(), value);
}

Tensor& variableState(const KernelContext& ctx, const Value& value) {
    auto& variables = ctx.variables();
    const auto key = variableKey(value);
    auto found = variables.find(key);
    if (found == variables.end()) found = variables.emplace(key, initialValue(ctx, value)).first;
    return found->second;
}

// VARIABLE declares the variable its output names and shows its current value.
void variable(KernelContext& ctx) {
    if (ctx.outputCount() == 0) return;
    ctx.setOutput(0, variableState(ctx, ctx.outputValue(0)));
}

// The value naming the variable of a read or write: a variable operand or output, else the
// first operand (read) or the output (write).
const Value& variableOperand(const KernelContext& ctx, bool write) {
    for (std::size_t i = 0; i < ctx.outputCount(); ++i)
        if (isVariable(ctx.outputValue(i))) return ctx.outputValue(i);
    for (std::size_t i = 0; i < ctx.inputCount(); ++i)
        if (isVariable(ctx.inputValue(i))) return ctx.inputValue(i);
    if (write && ctx.outputCount() > 0) return ctx.outputValue(0);
    if (!write && ctx.inputCount() > 0) return ctx.inputValue(0);
    ctx.fail("names no variable");
}

void variableRead(KernelContext& ctx) {
    const auto& value = variableOperand(ctx, false);
    ctx.setOutput(0, variableState(ctx, value));
}

void variableWrite(KernelContext& ctx) {
    const auto& value = variableOperand(ctx, true);
    std::optional<Tensor> written;
    for (std::size_t i = 0; i < ctx.inputCount(); ++i)
        if (&ctx.inputValue(i) != &value && ctx.hasInput(i)) written = ctx.input(i);
    if (!written) ctx.fail("has no value to write");
    auto& state = variableState(ctx, value);
    if (written->dtype() != state.dtype() || written->shape() != state.shape())
        ctx.fail("writes " + written->typeText() + " into variable " + variableKey(value) + " of " +
                 state.typeText());
    state = *written;
    for (std::size_t i = 0; i < ctx.outputCount(); ++i)
        ctx.setOutput(i, state);
}

} // namespace

void addControlFlowKernels(KernelRegistry& registry) {
    registry.add("tosa.COND_IF", condIf);
    registry.add("tosa.WHILE_LOOP", whileLoop);
    registry.add("tosa.VARIABLE", variable);
    registry.add("tosa.VARIABLE_READ", variableRead);
    registry.add("tosa.VARIABLE_WRITE", variableWrite);
}

} // namespace pteron::runtime::tosa
