#include "runtime/kernel_context.hpp"

#include <cmath>

namespace pteron::runtime {

double scalarAsDouble(const AttributeValue& value) {
    if (const auto* integer = std::get_if<std::int64_t>(&value))
        return static_cast<double>(*integer);
    if (const auto* real = std::get_if<double>(&value)) return *real;
    if (const auto* flag = std::get_if<bool>(&value)) return *flag ? 1.0 : 0.0;
    throw RuntimeError("expected a number, found " + toString(value));
}

std::int64_t scalarAsInt(const AttributeValue& value) {
    if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
    if (const auto* flag = std::get_if<bool>(&value)) return *flag ? 1 : 0;
    if (const auto* real = std::get_if<double>(&value)) {
        if (!std::isfinite(*real) || std::abs(*real) > 9.2e18)
            throw RuntimeError("expected an integer, found " + toString(value));
        return static_cast<std::int64_t>(*real);
    }
    throw RuntimeError("expected an integer, found " + toString(value));
}

KernelContext::KernelContext(const Graph& graph, const Node& node, std::vector<Slot>& slots,
                             ThreadPool& pool, const GraphRunner& runGraph,
                             std::map<std::string, Tensor>& variables)
    : graph_(graph), node_(node), slots_(slots), pool_(pool), runGraph_(runGraph),
      variables_(variables) {}

std::int64_t KernelContext::valueIndex(const Operand& operand) const {
    if (operand.value < 0 || static_cast<std::size_t>(operand.value) >= slots_.size())
        fail("operand refers to value " + std::to_string(operand.value) + ", which does not exist");
    return operand.value;
}

bool KernelContext::hasInput(std::size_t index) const {
    if (index >= node_.inputs.size() || node_.inputs[index].value < 0) return false;
    const auto* value = graph_.value(node_.inputs[index].value);
    return value && value->kind != ValueKind::Absent;
}

const Value& KernelContext::inputValue(std::size_t index) const {
    if (index >= node_.inputs.size()) fail("expected an operand " + std::to_string(index));
    const auto* value = graph_.value(valueIndex(node_.inputs[index]));
    if (!value) fail("operand " + std::to_string(index) + " has no value");
    return *value;
}

const Slot& KernelContext::slot(std::size_t index) const {
    if (index >= node_.inputs.size()) fail("expected an operand " + std::to_string(index));
    return slots_[static_cast<std::size_t>(valueIndex(node_.inputs[index]))];
}

const Tensor& KernelContext::input(std::size_t index) const {
    const auto& found = slot(index);
    if (found.tensor.defined()) return found.tensor;
    const auto& value = inputValue(index);
    // A constant the reader could not find bytes for (an ExecuTorch weight kept in a .ptd file
    // that was not given) says so.
    if (const auto* unresolved = findAttribute(value.attributes, "unresolved"))
        if (const auto* text = std::get_if<std::string>(&unresolved->value))
            fail("operand " + std::to_string(index) + " (" + value.name +
                 ") is a constant stored outside the model: " + *text +
                 " (give the file that holds it, e.g. with --ptd)");
    fail("operand " + std::to_string(index) + " (" + value.name +
         ") holds no tensor at this point");
}

const AttributeValue& KernelContext::scalarInput(std::size_t index) const {
    const auto& found = slot(index);
    if (std::holds_alternative<std::monostate>(found.scalar))
        fail("operand " + std::to_string(index) + " (" + inputValue(index).name +
             ") holds no scalar");
    return found.scalar;
}

std::int64_t KernelContext::intInput(std::size_t index) const {
    try {
        return scalarAsInt(scalarInput(index));
    } catch (const RuntimeError& error) {
        fail("operand " + std::to_string(index) + ": " + error.what());
    }
}

double KernelContext::doubleInput(std::size_t index) const {
    try {
        return scalarAsDouble(scalarInput(index));
    } catch (const RuntimeError& error) {
        fail("operand " + std::to_string(index) + ": " + error.what());
    }
}

bool KernelContext::boolInput(std::size_t index) const {
    return intInput(index) != 0;
}

std::vector<std::int64_t> KernelContext::intListInput(std::size_t index) const {
    const auto& value = inputValue(index);
    if (const auto* items = findAttribute(value.attributes, "item values")) {
        if (const auto* indices = std::get_if<std::vector<std::int64_t>>(&items->value)) {
            std::vector<std::int64_t> result;
            for (const auto item : *indices) {
                if (item < 0 || static_cast<std::size_t>(item) >= slots_.size())
                    fail("list item refers to value " + std::to_string(item));
                const auto& itemSlot = slots_[static_cast<std::size_t>(item)];
                if (std::holds_alternative<std::monostate>(itemSlot.scalar))
                    fail("list item value " + std::to_string(item) + " holds no integer");
                result.push_back(scalarAsInt(itemSlot.scalar));
            }
            return result;
        }
    }
    const auto& scalar = scalarInput(index);
    if (const auto* list = std::get_if<std::vector<std::int64_t>>(&scalar)) return *list;
    if (const auto* single = std::get_if<std::int64_t>(&scalar)) return {*single};
    fail("operand " + std::to_string(index) + " is not an integer list");
}

std::vector<double> KernelContext::doubleListInput(std::size_t index) const {
    const auto& scalar = scalarInput(index);
    if (const auto* list = std::get_if<std::vector<double>>(&scalar)) return *list;
    if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&scalar))
        return {ints->begin(), ints->end()};
    fail("operand " + std::to_string(index) + " is not a list of numbers");
}

std::vector<const Tensor*> KernelContext::tensorListInput(std::size_t index) const {
    const auto& value = inputValue(index);
    if (!findAttribute(value.attributes, "list"))
        fail("operand " + std::to_string(index) + " is not a tensor list");
    const auto* indices = std::get_if<std::vector<std::int64_t>>(&scalarInput(index));
    if (!indices) fail("operand " + std::to_string(index) + " is not a tensor list");
    std::vector<const Tensor*> result;
    for (const auto item : *indices) {
        if (item < 0) {
            result.push_back(nullptr);
            continue;
        }
        if (static_cast<std::size_t>(item) >= slots_.size())
            fail("tensor list item refers to value " + std::to_string(item));
        const auto& itemSlot = slots_[static_cast<std::size_t>(item)];
        result.push_back(itemSlot.tensor.defined() ? &itemSlot.tensor : nullptr);
    }
    return result;
}

const Value& KernelContext::outputValue(std::size_t index) const {
    if (index >= node_.outputs.size()) fail("expected an output " + std::to_string(index));
    const auto* value = graph_.value(valueIndex(node_.outputs[index]));
    if (!value) fail("output " + std::to_string(index) + " has no value");
    return *value;
}

bool KernelContext::hasOutput(std::size_t index) const {
    return index < node_.outputs.size() && node_.outputs[index].value >= 0;
}

void KernelContext::setOutput(std::size_t index, Tensor tensor) {
    if (!hasOutput(index)) return; // an unused output the model does not keep
    auto& target = slots_[static_cast<std::size_t>(valueIndex(node_.outputs[index]))];
    if (tensor.quantization.empty()) tensor.quantization = outputValue(index).quantization;
    target.tensor = std::move(tensor);
}

void KernelContext::replaceInput(std::size_t index, Tensor tensor) {
    if (index >= node_.inputs.size()) fail("expected an operand " + std::to_string(index));
    auto& target = slots_[static_cast<std::size_t>(valueIndex(node_.inputs[index]))];
    if (tensor.quantization.empty()) tensor.quantization = inputValue(index).quantization;
    target.tensor = std::move(tensor);
}

void KernelContext::setScalarOutput(std::size_t index, AttributeValue value) {
    if (!hasOutput(index)) return;
    slots_[static_cast<std::size_t>(valueIndex(node_.outputs[index]))].scalar = std::move(value);
}

const AttributeValue* KernelContext::attribute(std::string_view name) const {
    const auto* found = findAttribute(node_.attributes, name);
    return found ? &found->value : nullptr;
}

std::int64_t KernelContext::intAttribute(std::string_view name) const {
    const auto* value = attribute(name);
    if (!value) fail("attribute " + std::string(name) + " is missing");
    try {
        if (const auto* enumValue = std::get_if<EnumValue>(value)) return enumValue->number;
        return scalarAsInt(*value);
    } catch (const RuntimeError& error) {
        fail("attribute " + std::string(name) + ": " + error.what());
    }
}

std::int64_t KernelContext::intAttribute(std::string_view name, std::int64_t fallback) const {
    return attribute(name) ? intAttribute(name) : fallback;
}

double KernelContext::doubleAttribute(std::string_view name, double fallback) const {
    const auto* value = attribute(name);
    if (!value) return fallback;
    try {
        return scalarAsDouble(*value);
    } catch (const RuntimeError& error) {
        fail("attribute " + std::string(name) + ": " + error.what());
    }
}

bool KernelContext::boolAttribute(std::string_view name, bool fallback) const {
    return intAttribute(name, fallback ? 1 : 0) != 0;
}

std::vector<std::int64_t> KernelContext::intsAttribute(std::string_view name) const {
    const auto* value = attribute(name);
    if (!value) fail("attribute " + std::string(name) + " is missing");
    if (const auto* list = std::get_if<std::vector<std::int64_t>>(value)) return *list;
    if (const auto* single = std::get_if<std::int64_t>(value)) return {*single};
    fail("attribute " + std::string(name) + " is not an integer list");
}

std::vector<std::int64_t> KernelContext::intsAttribute(std::string_view name,
                                                       std::vector<std::int64_t> fallback) const {
    return attribute(name) ? intsAttribute(name) : fallback;
}

std::string KernelContext::enumAttribute(std::string_view name, std::string fallback) const {
    const auto* value = attribute(name);
    if (!value) return fallback;
    if (const auto* enumValue = std::get_if<EnumValue>(value)) return enumValue->name;
    if (const auto* text = std::get_if<std::string>(value)) return *text;
    fail("attribute " + std::string(name) + " is not an enum");
}

std::vector<Tensor> KernelContext::runGraph(std::size_t graph, std::vector<Tensor> inputs) const {
    return runGraph_(graph, std::move(inputs));
}

std::string KernelContext::where() const {
    const auto index = static_cast<std::size_t>(&node_ - graph_.nodes.data());
    std::string text = "graph " + graph_.id + " node " + std::to_string(index) + " " + node_.op;
    if (!node_.name.empty()) text += " (" + node_.name + ")";
    return text;
}

void KernelContext::fail(const std::string& message) const {
    throw RuntimeError(where() + ": " + message);
}

} // namespace pteron::runtime
