#include "app/sample/pte_program_writer.hpp"

#include "executorch_program_generated.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

namespace pteron {

namespace {

namespace fbp = fb::pte;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

constexpr std::uint64_t kSegmentAlignment = 128;
constexpr std::uint64_t kSubsegmentAlignment = 16;

std::uint64_t alignUp(std::uint64_t value, std::uint64_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

void putU32(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
        bytes[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> (8 * i));
}

void putU64(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint64_t value) {
    for (int i = 0; i < 8; ++i)
        bytes[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> (8 * i));
}

} // namespace

// Where every segment and sub-segment lands, relative to the segment base.
struct PteProgramWriter::SegmentPlan {
    std::vector<Segment> segments;
    std::vector<std::uint64_t> constantOffsets; // inside the constant segment
    std::vector<std::uint64_t> mutableOffsets;  // inside the mutable data segment
    std::optional<std::uint32_t> constantSegment;
    std::optional<std::uint32_t> mutableSegment;
    std::vector<std::uint32_t> delegateSegments;
    std::vector<std::uint32_t> namedSegments;
    std::uint64_t end = 0;

    std::uint32_t add(std::uint64_t size) {
        segments.push_back({end, size});
        end = alignUp(end + size, kSegmentAlignment);
        return static_cast<std::uint32_t>(segments.size() - 1);
    }
};

namespace {

// Offsets of each blob packed at 16-byte boundaries; returns the packed size.
std::uint64_t packBlobs(const auto& blobs, std::vector<std::uint64_t>& offsets) {
    std::uint64_t size = 0;
    for (const auto& blob : blobs) {
        offsets.push_back(size);
        size = alignUp(size + blob.size, kSubsegmentAlignment);
    }
    return size;
}

} // namespace

std::int32_t PteProgramWriter::addValue(EValueSpec value) {
    values_.push_back(std::move(value));
    return static_cast<std::int32_t>(values_.size() - 1);
}

std::int32_t PteProgramWriter::addTensor(const TensorSpec& spec) {
    return addValue({Kind::Tensor, 0, 0, spec, {}, {}});
}

std::int32_t PteProgramWriter::addExternalTensor(const TensorSpec& spec, std::string key) {
    return addValue({Kind::Tensor, 0, 0, spec, {}, std::move(key)});
}

std::int32_t PteProgramWriter::addInt(std::int64_t value) {
    return addValue({Kind::Int, value, 0, {}, {}, {}});
}

std::int32_t PteProgramWriter::addBool(bool value) {
    return addValue({Kind::Bool, value ? 1 : 0, 0, {}, {}, {}});
}

std::int32_t PteProgramWriter::addDouble(double value) {
    return addValue({Kind::Double, 0, value, {}, {}, {}});
}

std::int32_t PteProgramWriter::addNull() {
    return addValue({});
}

std::int32_t PteProgramWriter::addIntList(std::vector<std::int32_t> intValues) {
    return addValue({Kind::IntList, 0, 0, {}, {intValues.begin(), intValues.end()}, {}});
}

std::uint32_t PteProgramWriter::addConstant(std::vector<std::uint8_t> bytes) {
    const auto size = bytes.size();
    constants_.push_back({std::move(bytes), size});
    return static_cast<std::uint32_t>(constants_.size() - 1);
}

std::uint32_t PteProgramWriter::addSparseConstant(std::uint64_t size) {
    constants_.push_back({{}, size});
    return static_cast<std::uint32_t>(constants_.size() - 1);
}

std::uint32_t PteProgramWriter::addMutableData(std::vector<std::uint8_t> bytes) {
    const auto size = bytes.size();
    mutableData_.push_back({std::move(bytes), size});
    return static_cast<std::uint32_t>(mutableData_.size() - 1);
}

void PteProgramWriter::addNamedData(std::string key, std::vector<std::uint8_t> bytes) {
    namedData_.emplace_back(std::move(key), std::move(bytes));
}

std::int32_t PteProgramWriter::operatorIndex(const std::string& name, const std::string& overload) {
    for (std::size_t i = 0; i < operators_.size(); ++i)
        if (operators_[i].first == name && operators_[i].second == overload)
            return static_cast<std::int32_t>(i);
    operators_.emplace_back(name, overload);
    return static_cast<std::int32_t>(operators_.size() - 1);
}

void PteProgramWriter::addKernelCall(const std::string& name, const std::string& overload,
                                     std::vector<std::int32_t> args) {
    calls_.push_back({CallKind::Kernel, operatorIndex(name, overload), std::move(args)});
}

std::int32_t
PteProgramWriter::addDelegate(std::string id, std::vector<std::uint8_t> payload,
                              std::vector<std::pair<std::string, std::string>> compileSpecs) {
    delegates_.push_back({std::move(id), std::move(payload), std::move(compileSpecs)});
    return static_cast<std::int32_t>(delegates_.size() - 1);
}

void PteProgramWriter::addDelegateCall(std::int32_t delegate, std::vector<std::int32_t> args) {
    calls_.push_back({CallKind::Delegate, delegate, std::move(args)});
}

void PteProgramWriter::addMoveCall(std::int32_t from, std::int32_t to) {
    calls_.push_back({CallKind::Move, 0, {from, to}});
}

void PteProgramWriter::addJumpFalseCall(std::int32_t condition,
                                        std::int32_t destinationInstruction) {
    calls_.push_back({CallKind::JumpFalse, 0, {condition, destinationInstruction}});
}

void PteProgramWriter::addFreeCall(std::int32_t value) {
    calls_.push_back({CallKind::Free, 0, {value}});
}

PteProgramWriter::SegmentPlan PteProgramWriter::planSegments() const {
    SegmentPlan plan;
    const auto constantBytes = packBlobs(constants_, plan.constantOffsets);
    if (constantStorage_ == ConstantStorage::Segment)
        plan.constantSegment = plan.add(constantBytes);
    for (const auto& delegate : delegates_)
        plan.delegateSegments.push_back(plan.add(delegate.payload.size()));
    const auto mutableBytes = packBlobs(mutableData_, plan.mutableOffsets);
    if (mutableData_.size() > 1) plan.mutableSegment = plan.add(mutableBytes);
    for (const auto& entry : namedData_)
        plan.namedSegments.push_back(plan.add(entry.second.size()));
    return plan;
}

namespace {

Offset<fbp::Instruction> instructionOf(FlatBufferBuilder& builder, fbp::InstructionArguments type,
                                       flatbuffers::Offset<void> arguments) {
    return fbp::CreateInstruction(builder, type, arguments);
}

} // namespace

void PteProgramWriter::write(const std::string& path) const {
    if (headerLength_ != 24 && headerLength_ != 32)
        throw std::invalid_argument("eh00 header length must be 24 or 32");
    const auto plan = planSegments();

    FlatBufferBuilder builder(1024);
    std::vector<Offset<fbp::EValue>> values;
    for (const auto& value : values_) {
        switch (value.kind) {
        case Kind::Int:
            values.push_back(fbp::CreateEValue(builder, fbp::KernelTypes::Int,
                                               fbp::CreateInt(builder, value.intValue).Union()));
            break;
        case Kind::Bool:
            values.push_back(
                fbp::CreateEValue(builder, fbp::KernelTypes::Bool,
                                  fbp::CreateBool(builder, value.intValue != 0).Union()));
            break;
        case Kind::Double:
            values.push_back(
                fbp::CreateEValue(builder, fbp::KernelTypes::Double,
                                  fbp::CreateDouble(builder, value.doubleValue).Union()));
            break;
        case Kind::IntList:
            values.push_back(
                fbp::CreateEValue(builder, fbp::KernelTypes::IntList,
                                  fbp::CreateIntListDirect(builder, &value.items).Union()));
            break;
        case Kind::Tensor: {
            const auto& tensor = value.tensor;
            std::vector<std::uint8_t> dimOrder(tensor.sizes.size());
            for (std::size_t i = 0; i < dimOrder.size(); ++i)
                dimOrder[i] = static_cast<std::uint8_t>(i);
            Offset<fbp::AllocationDetails> allocation;
            if (tensor.planned)
                allocation = fbp::CreateAllocationDetails(
                    builder, 1, static_cast<std::uint32_t>(tensor.plannedOffset),
                    static_cast<std::uint32_t>(tensor.plannedOffset >> 32));
            Offset<fbp::ExtraTensorInfo> extra;
            if (!value.externalKey.empty())
                extra = fbp::CreateExtraTensorInfoDirect(builder, 0, value.externalKey.c_str(),
                                                         fbp::TensorDataLocation::EXTERNAL);
            auto created = fbp::CreateTensor(
                builder, static_cast<fbp::ScalarType>(tensor.type), 0,
                builder.CreateVector(tensor.sizes), builder.CreateVector(dimOrder), false,
                tensor.constant, allocation, 0, fbp::TensorShapeDynamism::STATIC, extra);
            values.push_back(fbp::CreateEValue(builder, fbp::KernelTypes::Tensor, created.Union()));
            break;
        }
        case Kind::Null:
            values.push_back(fbp::CreateEValue(builder, fbp::KernelTypes::Null,
                                               fbp::CreateNull(builder).Union()));
        }
    }
    std::vector<Offset<fbp::Instruction>> instructions;
    for (const auto& call : calls_) {
        switch (call.kind) {
        case CallKind::Kernel:
            instructions.push_back(instructionOf(
                builder, fbp::InstructionArguments::KernelCall,
                fbp::CreateKernelCallDirect(builder, call.index, &call.args).Union()));
            break;
        case CallKind::Delegate:
            instructions.push_back(instructionOf(
                builder, fbp::InstructionArguments::DelegateCall,
                fbp::CreateDelegateCallDirect(builder, call.index, &call.args).Union()));
            break;
        case CallKind::Move:
            instructions.push_back(
                instructionOf(builder, fbp::InstructionArguments::MoveCall,
                              fbp::CreateMoveCall(builder, call.args[0], call.args[1]).Union()));
            break;
        case CallKind::JumpFalse:
            instructions.push_back(instructionOf(
                builder, fbp::InstructionArguments::JumpFalseCall,
                fbp::CreateJumpFalseCall(builder, call.args[0], call.args[1]).Union()));
            break;
        case CallKind::Free:
            instructions.push_back(
                instructionOf(builder, fbp::InstructionArguments::FreeCall,
                              fbp::CreateFreeCall(builder, call.args[0]).Union()));
            break;
        }
    }
    std::vector<Offset<fbp::Operator>> operators;
    for (const auto& [name, overload] : operators_)
        operators.push_back(fbp::CreateOperatorDirect(builder, name.c_str(), overload.c_str()));
    std::vector<Offset<fbp::BackendDelegate>> delegates;
    for (std::size_t i = 0; i < delegates_.size(); ++i) {
        std::vector<Offset<fbp::CompileSpec>> specs;
        for (const auto& [key, text] : delegates_[i].specs) {
            const std::vector<std::uint8_t> bytes(text.begin(), text.end());
            specs.push_back(fbp::CreateCompileSpecDirect(builder, key.c_str(), &bytes));
        }
        const auto processed = fbp::CreateBackendDelegateDataReference(
            builder, fbp::DataLocation::SEGMENT, plan.delegateSegments[i]);
        delegates.push_back(
            fbp::CreateBackendDelegateDirect(builder, delegates_[i].id.c_str(), processed, &specs));
    }
    const std::vector<Offset<fbp::Chain>> chains{
        fbp::CreateChainDirect(builder, nullptr, nullptr, &instructions)};
    const std::vector<std::int64_t> plannedSizes{0, plannedBytes_};
    const std::vector<Offset<fbp::ExecutionPlan>> plans{
        fbp::CreateExecutionPlanDirect(builder, method_.c_str(), 0, &values, &inputs_, &outputs_,
                                       &chains, &operators, &delegates, &plannedSizes)};
    std::vector<Offset<fbp::DataSegment>> segmentTables;
    for (const auto& segment : plan.segments)
        segmentTables.push_back(fbp::CreateDataSegment(builder, segment.offset, segment.size));
    Offset<fbp::SubsegmentOffsets> constantSegment;
    std::vector<Offset<fbp::Buffer>> inlineConstants;
    if (plan.constantSegment) {
        constantSegment = fbp::CreateSubsegmentOffsetsDirect(builder, *plan.constantSegment,
                                                             &plan.constantOffsets);
    } else {
        for (const auto& constant : constants_) {
            std::vector<std::uint8_t> bytes = constant.bytes;
            bytes.resize(constant.size);
            inlineConstants.push_back(fbp::CreateBufferDirect(builder, &bytes));
        }
    }
    std::vector<Offset<fbp::SubsegmentOffsets>> mutableSegments;
    if (plan.mutableSegment)
        mutableSegments.push_back(fbp::CreateSubsegmentOffsetsDirect(builder, *plan.mutableSegment,
                                                                     &plan.mutableOffsets));
    std::vector<Offset<fbp::NamedData>> namedData;
    for (std::size_t i = 0; i < namedData_.size(); ++i)
        namedData.push_back(fbp::CreateNamedDataDirect(builder, namedData_[i].first.c_str(),
                                                       plan.namedSegments[i]));
    builder.Finish(fbp::CreateProgramDirect(builder, 0, &plans,
                                            inlineConstants.empty() ? nullptr : &inlineConstants,
                                            nullptr, &segmentTables, constantSegment,
                                            mutableSegments.empty() ? nullptr : &mutableSegments,
                                            namedData.empty() ? nullptr : &namedData),
                   fbp::ProgramIdentifier());

    // Insert the extended header after the identifier; only the root offset is absolute.
    const auto* flat = builder.GetBufferPointer();
    std::vector<std::uint8_t> program(flat, flat + builder.GetSize());
    program.insert(program.begin() + 8, headerLength_, 0);
    std::uint32_t root = 0;
    std::memcpy(&root, program.data(), 4);
    putU32(program, 0, root + headerLength_);
    std::memcpy(program.data() + 8, "eh00", 4);
    putU32(program, 12, headerLength_);
    const std::uint64_t segmentBase = alignUp(program.size(), kSegmentAlignment);
    putU64(program, 16, program.size());
    putU64(program, 24, segmentBase);
    if (headerLength_ >= 32) putU64(program, 32, plan.end);

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    const auto writeAt = [&](std::uint64_t offset, const std::vector<std::uint8_t>& bytes) {
        if (bytes.empty()) return;
        out.seekp(static_cast<std::streamoff>(offset));
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
    };
    writeAt(0, program);
    // Blobs are written at their offsets; skipped ranges stay holes (sparse).
    if (plan.constantSegment)
        for (std::size_t i = 0; i < constants_.size(); ++i)
            writeAt(segmentBase + plan.segments[*plan.constantSegment].offset +
                        plan.constantOffsets[i],
                    constants_[i].bytes);
    for (std::size_t i = 0; i < delegates_.size(); ++i)
        writeAt(segmentBase + plan.segments[plan.delegateSegments[i]].offset,
                delegates_[i].payload);
    if (plan.mutableSegment)
        for (std::size_t i = 0; i < mutableData_.size(); ++i)
            writeAt(segmentBase + plan.segments[*plan.mutableSegment].offset +
                        plan.mutableOffsets[i],
                    mutableData_[i].bytes);
    for (std::size_t i = 0; i < namedData_.size(); ++i)
        writeAt(segmentBase + plan.segments[plan.namedSegments[i]].offset, namedData_[i].second);
    out.close();
    // Extend to the full segment size so sparse constants at the end exist on disk as holes.
    std::filesystem::resize_file(path, segmentBase + plan.end);
}

} // namespace pteron
