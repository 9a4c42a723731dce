#include "parsers/pte/pte_values.hpp"

#include "core/scalar_type.hpp"
#include "executorch_program_generated.h"

namespace pteron {

namespace {

namespace fbp = fb::pte;

class PlanValueDecoder {
  public:
    PlanValueDecoder(const PteProgram& program, const fbp::ExecutionPlan& plan,
                     std::string planPath)
        : program_(program), plan_(plan), planPath_(std::move(planPath)) {}

    Value decode(flatbuffers::uoffset_t index) const {
        const auto* evalue = plan_.values()->Get(index);
        const std::string path = planPath_ + ".values[" + std::to_string(index) + "]";
        Value value;
        value.name = "%" + std::to_string(index);
        value.kind = ValueKind::Scalar;
        // The verifier accepts a union type whose table is absent; every case below reads it.
        if (evalue->val_type() != fbp::KernelTypes::NONE &&
            evalue->val_type() != fbp::KernelTypes::Null && !evalue->val())
            program_.fail(path + ".val", "the value table its type " +
                                             std::to_string(static_cast<int>(evalue->val_type())) +
                                             " announces");
        switch (evalue->val_type()) {
        case fbp::KernelTypes::NONE:
        case fbp::KernelTypes::Null:
            value.kind = ValueKind::Absent;
            break;
        case fbp::KernelTypes::Int:
            value.dtype = DType::Int64;
            value.scalar = evalue->val_as_Int()->int_val();
            break;
        case fbp::KernelTypes::Bool:
            value.dtype = DType::Bool;
            value.scalar = evalue->val_as_Bool()->bool_val();
            break;
        case fbp::KernelTypes::Double:
            value.dtype = DType::Float64;
            value.scalar = evalue->val_as_Double()->double_val();
            break;
        case fbp::KernelTypes::String:
            value.dtype = DType::String;
            value.scalar = stringOf(evalue->val_as_String()->string_val());
            break;
        case fbp::KernelTypes::IntList:
            value.scalar = intList(*evalue->val_as_IntList(), path);
            // The boxed Int values themselves: a symbolic size among them has a producer.
            value.attributes.push_back(
                {"item values", listOf<std::int64_t>(evalue->val_as_IntList()->items())});
            break;
        case fbp::KernelTypes::DoubleList:
            value.scalar = listOf<double>(evalue->val_as_DoubleList()->items());
            break;
        case fbp::KernelTypes::BoolList:
            value.scalar = boolList(evalue->val_as_BoolList()->items());
            break;
        case fbp::KernelTypes::TensorList:
            value.scalar = indexList(evalue->val_as_TensorList()->items(), path, false);
            value.attributes.push_back({"list", std::string("tensor list")});
            break;
        case fbp::KernelTypes::OptionalTensorList:
            value.scalar = indexList(evalue->val_as_OptionalTensorList()->items(), path, true);
            value.attributes.push_back({"list", std::string("optional tensor list")});
            break;
        case fbp::KernelTypes::Tensor:
            decodeTensor(*evalue->val_as_Tensor(), path, value);
            break;
        default:
            program_.fail(path, "a known EValue type, found " +
                                    std::to_string(static_cast<int>(evalue->val_type())));
        }
        return value;
    }

  private:
    static std::string stringOf(const flatbuffers::String* text) { return text ? text->str() : ""; }

    template <typename T, typename V> static std::vector<T> listOf(const V* items) {
        std::vector<T> result;
        if (items)
            for (auto item : *items)
                result.push_back(static_cast<T>(item));
        return result;
    }

    static std::vector<bool> boolList(const flatbuffers::Vector<std::uint8_t>* items) {
        std::vector<bool> result;
        if (items)
            for (auto item : *items)
                result.push_back(item != 0);
        return result;
    }

    void checkIndex(std::int64_t index, const std::string& path) const {
        if (index < 0 || index >= static_cast<std::int64_t>(plan_.values()->size()))
            program_.fail(path, "a value index below " + std::to_string(plan_.values()->size()) +
                                    ", found " + std::to_string(index));
    }

    // IntList items are value indices of Int EValues (boxed for symbolic sizes).
    std::vector<std::int64_t> intList(const fbp::IntList& list, const std::string& path) const {
        std::vector<std::int64_t> result;
        if (!list.items()) return result;
        for (flatbuffers::uoffset_t i = 0; i < list.items()->size(); ++i) {
            const auto index = list.items()->Get(i);
            const std::string itemPath = path + ".items[" + std::to_string(i) + "]";
            checkIndex(index, itemPath);
            const auto* item = plan_.values()->Get(static_cast<flatbuffers::uoffset_t>(index));
            if (item->val_type() != fbp::KernelTypes::Int || !item->val_as_Int())
                program_.fail(itemPath, "an index of an Int value");
            result.push_back(item->val_as_Int()->int_val());
        }
        return result;
    }

    std::vector<std::int64_t> indexList(const flatbuffers::Vector<std::int32_t>* items,
                                        const std::string& path, bool optional) const {
        std::vector<std::int64_t> result;
        if (!items) return result;
        for (flatbuffers::uoffset_t i = 0; i < items->size(); ++i) {
            const auto index = items->Get(i);
            if (!(optional && index == -1))
                checkIndex(index, path + ".items[" + std::to_string(i) + "]");
            result.push_back(index);
        }
        return result;
    }

    void decodeTensor(const fbp::Tensor& tensor, const std::string& path, Value& value) const {
        value.kind = ValueKind::Intermediate;
        value.dtype = dtypeFromScalarType(static_cast<std::int8_t>(tensor.scalar_type()));
        value.hasShape = true;
        value.shape = listOf<std::int64_t>(tensor.sizes());
        value.dimOrder = listOf<std::uint8_t>(tensor.dim_order());
        value.dynamism =
            static_cast<ShapeDynamism>(std::min<int>(static_cast<int>(tensor.shape_dynamism()), 2));
        if (tensor.requires_grad()) value.attributes.push_back({"requires_grad", true});
        if (const auto* allocation = tensor.allocation_info()) {
            value.allocation = Allocation{
                allocation->memory_id(),
                allocation->memory_offset_low() |
                    (static_cast<std::uint64_t>(allocation->memory_offset_high()) << 32)};
        }
        const auto* extra = tensor.extra_tensor_info();
        if (extra && extra->fully_qualified_name())
            value.name = extra->fully_qualified_name()->str();
        if (extra && extra->location() == fbp::TensorDataLocation::EXTERNAL) {
            attachExternal(value, path);
            return;
        }
        if (tensor.data_buffer_idx() == 0) return;
        if (value.allocation)
            attachMutable(tensor.data_buffer_idx(), value, path);
        else
            attachConstant(tensor.data_buffer_idx(), value, path);
    }

    std::uint64_t byteLength(const Value& value, const std::string& path) const {
        const auto bytes = dtypeStorageBytes(value.dtype, value.elementCount());
        if (bytes > program_.file->size())
            program_.fail(path,
                          "a tensor no larger than the file (" + std::to_string(bytes) + " bytes)");
        return bytes;
    }

    ByteView slice(const ByteView& whole, std::uint64_t offset, std::uint64_t length,
                   const std::string& path) const {
        if (offset > whole.size() || length > whole.size() - offset)
            program_.fail(path, std::to_string(length) + " bytes at offset " +
                                    std::to_string(offset) + " inside the " +
                                    std::to_string(whole.size()) + "-byte data");
        return whole.sub(offset, length);
    }

    void attachConstant(std::uint32_t bufferIndex, Value& value, const std::string& path) const {
        value.kind = ValueKind::Constant;
        const auto length = byteLength(value, path);
        const auto* root = program_.root;
        const auto* constants = root->constant_segment();
        const auto* legacyBuffers = root->constant_buffer();
        // Legacy programs keep constants inline; only one of the two stores is ever filled.
        const bool useSegment = constants && constants->offsets() &&
                                constants->offsets()->size() > 0 &&
                                !(legacyBuffers && legacyBuffers->size() > 0);
        if (useSegment) {
            const auto* offsets = constants->offsets();
            if (!offsets || bufferIndex >= offsets->size())
                program_.fail(path + ".data_buffer_idx", "an index into constant_segment.offsets");
            const auto segment =
                program_.segment(constants->segment_index(), "Program.constant_segment");
            value.data = slice(segment, offsets->Get(bufferIndex), length, path);
            value.attributes.push_back({"storage", std::string("constant segment")});
            return;
        }
        const auto* buffers = legacyBuffers;
        if (!buffers || bufferIndex >= buffers->size())
            program_.fail(path + ".data_buffer_idx", "an index into Program.constant_buffer");
        const auto* storage = buffers->Get(bufferIndex)->storage();
        if (!storage) program_.fail(path, "constant_buffer storage");
        const ByteView inlineBytes(program_.file,
                                   std::as_bytes(std::span(storage->data(), storage->size())));
        value.data = slice(inlineBytes, 0, length, path);
        value.attributes.push_back({"storage", std::string("inline constant_buffer (legacy)")});
    }

    void attachMutable(std::uint32_t bufferIndex, Value& value, const std::string& path) const {
        const auto* mutables = program_.root->mutable_data_segments();
        value.attributes.push_back({"storage", std::string("mutable data segment")});
        if (!mutables || mutables->size() == 0) return;
        const auto* offsets = mutables->Get(0)->offsets();
        if (!offsets || bufferIndex >= offsets->size())
            program_.fail(path + ".data_buffer_idx",
                          "an index into mutable_data_segments[0].offsets");
        const auto segment =
            program_.segment(mutables->Get(0)->segment_index(), "Program.mutable_data_segments[0]");
        value.data = slice(segment, offsets->Get(bufferIndex), byteLength(value, path), path);
    }

    void attachExternal(Value& value, const std::string& path) const {
        value.kind = ValueKind::Constant;
        value.attributes.push_back({"storage", std::string("external: " + value.name)});
        const auto* blob = program_.namedData.find(value.name);
        if (!blob) {
            value.attributes.push_back(
                {"unresolved", std::string("no .ptd entry named " + value.name)});
            return;
        }
        value.data =
            slice(blob->bytes, 0,
                  std::min<std::uint64_t>(byteLength(value, path), blob->bytes.size()), path);
        value.attributes.push_back({"data source", blob->source});
    }

    const PteProgram& program_;
    const fbp::ExecutionPlan& plan_;
    std::string planPath_;
};

} // namespace

void decodePlanValues(const PteProgram& program, const fbp::ExecutionPlan& plan,
                      const std::string& planPath, Graph& graph) {
    if (!plan.values()) return;
    PlanValueDecoder decoder(program, plan, planPath);
    graph.values.reserve(plan.values()->size());
    for (flatbuffers::uoffset_t i = 0; i < plan.values()->size(); ++i)
        graph.values.push_back(decoder.decode(i));
}

} // namespace pteron
