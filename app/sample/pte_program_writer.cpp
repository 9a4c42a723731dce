#include "app/sample/pte_program_writer.hpp"

#include "executorch_program_generated.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace pteron {

namespace {

namespace fbp = fb::pte;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

constexpr std::uint64_t kSegmentAlignment = 128;
constexpr std::uint64_t kConstantAlignment = 16;
constexpr std::size_t kExtendedHeaderSize = 32;

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

std::int32_t PteProgramWriter::addTensor(const TensorSpec& spec) {
    values_.push_back({3, 0, 0, spec});
    return static_cast<std::int32_t>(values_.size() - 1);
}

std::int32_t PteProgramWriter::addInt(std::int64_t value) {
    values_.push_back({1, value, 0, {}});
    return static_cast<std::int32_t>(values_.size() - 1);
}

std::int32_t PteProgramWriter::addDouble(double value) {
    values_.push_back({2, 0, value, {}});
    return static_cast<std::int32_t>(values_.size() - 1);
}

std::int32_t PteProgramWriter::addNull() {
    values_.push_back({});
    return static_cast<std::int32_t>(values_.size() - 1);
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

std::int32_t PteProgramWriter::operatorIndex(const std::string& name, const std::string& overload) {
    for (std::size_t i = 0; i < operators_.size(); ++i)
        if (operators_[i].first == name && operators_[i].second == overload)
            return static_cast<std::int32_t>(i);
    operators_.emplace_back(name, overload);
    return static_cast<std::int32_t>(operators_.size() - 1);
}

void PteProgramWriter::addKernelCall(const std::string& name, const std::string& overload,
                                     std::vector<std::int32_t> args) {
    calls_.push_back({false, operatorIndex(name, overload), std::move(args)});
}

std::int32_t
PteProgramWriter::addDelegate(std::string id, std::vector<std::uint8_t> payload,
                              std::vector<std::pair<std::string, std::string>> compileSpecs) {
    delegates_.push_back({std::move(id), std::move(payload), std::move(compileSpecs)});
    return static_cast<std::int32_t>(delegates_.size() - 1);
}

void PteProgramWriter::addDelegateCall(std::int32_t delegate, std::vector<std::int32_t> args) {
    calls_.push_back({true, delegate, std::move(args)});
}

void PteProgramWriter::write(const std::string& path) const {
    // Segment 0 holds the constants, then one segment per delegate payload.
    std::vector<std::uint64_t> constantOffsets;
    std::uint64_t constantBytes = 0;
    for (const auto& constant : constants_) {
        constantOffsets.push_back(constantBytes);
        constantBytes = alignUp(constantBytes + constant.size, kConstantAlignment);
    }
    std::vector<std::pair<std::uint64_t, std::uint64_t>> segments{{0, constantBytes}};
    std::uint64_t segmentEnd = alignUp(constantBytes, kSegmentAlignment);
    for (const auto& delegate : delegates_) {
        segments.emplace_back(segmentEnd, delegate.payload.size());
        segmentEnd = alignUp(segmentEnd + delegate.payload.size(), kSegmentAlignment);
    }

    FlatBufferBuilder builder(1024);
    std::vector<Offset<fbp::EValue>> values;
    for (const auto& value : values_) {
        switch (value.kind) {
        case 1:
            values.push_back(fbp::CreateEValue(builder, fbp::KernelTypes::Int,
                                               fbp::CreateInt(builder, value.intValue).Union()));
            break;
        case 2:
            values.push_back(
                fbp::CreateEValue(builder, fbp::KernelTypes::Double,
                                  fbp::CreateDouble(builder, value.doubleValue).Union()));
            break;
        case 3: {
            const auto& tensor = value.tensor;
            std::vector<std::uint8_t> dimOrder(tensor.sizes.size());
            for (std::size_t i = 0; i < dimOrder.size(); ++i)
                dimOrder[i] = static_cast<std::uint8_t>(i);
            Offset<fbp::AllocationDetails> allocation;
            if (tensor.planned)
                allocation = fbp::CreateAllocationDetails(
                    builder, 1, static_cast<std::uint32_t>(tensor.plannedOffset),
                    static_cast<std::uint32_t>(tensor.plannedOffset >> 32));
            auto created = fbp::CreateTensor(builder, static_cast<fbp::ScalarType>(tensor.type), 0,
                                             builder.CreateVector(tensor.sizes),
                                             builder.CreateVector(dimOrder), false, tensor.constant,
                                             allocation);
            values.push_back(fbp::CreateEValue(builder, fbp::KernelTypes::Tensor, created.Union()));
            break;
        }
        default:
            values.push_back(fbp::CreateEValue(builder, fbp::KernelTypes::Null,
                                               fbp::CreateNull(builder).Union()));
        }
    }
    std::vector<Offset<fbp::Instruction>> instructions;
    for (const auto& call : calls_) {
        const auto args = builder.CreateVector(call.args);
        if (call.delegate)
            instructions.push_back(
                fbp::CreateInstruction(builder, fbp::InstructionArguments::DelegateCall,
                                       fbp::CreateDelegateCall(builder, call.index, args).Union()));
        else
            instructions.push_back(
                fbp::CreateInstruction(builder, fbp::InstructionArguments::KernelCall,
                                       fbp::CreateKernelCall(builder, call.index, args).Union()));
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
            builder, fbp::DataLocation::SEGMENT, static_cast<std::uint32_t>(i + 1));
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
    for (const auto& [offset, size] : segments)
        segmentTables.push_back(fbp::CreateDataSegment(builder, offset, size));
    const auto constantSegment = fbp::CreateSubsegmentOffsetsDirect(builder, 0, &constantOffsets);
    builder.Finish(fbp::CreateProgramDirect(builder, 0, &plans, nullptr, nullptr, &segmentTables,
                                            constantSegment),
                   fbp::ProgramIdentifier());

    // Insert the extended header after the identifier; only the root offset is absolute.
    const auto* flat = builder.GetBufferPointer();
    std::vector<std::uint8_t> program(flat, flat + builder.GetSize());
    program.insert(program.begin() + 8, kExtendedHeaderSize, 0);
    std::uint32_t root = 0;
    std::memcpy(&root, program.data(), 4);
    putU32(program, 0, root + static_cast<std::uint32_t>(kExtendedHeaderSize));
    std::memcpy(program.data() + 8, "eh00", 4);
    putU32(program, 12, static_cast<std::uint32_t>(kExtendedHeaderSize));
    const std::uint64_t segmentBase = alignUp(program.size(), kSegmentAlignment);
    putU64(program, 16, program.size());
    putU64(program, 24, segmentBase);
    putU64(program, 32, segmentEnd);

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out.write(reinterpret_cast<const char*>(program.data()),
              static_cast<std::streamsize>(program.size()));
    // Constants and payloads are written at their offsets; skipped ranges stay holes (sparse).
    for (std::size_t i = 0; i < constants_.size(); ++i) {
        if (constants_[i].bytes.empty()) continue;
        out.seekp(static_cast<std::streamoff>(segmentBase + constantOffsets[i]));
        out.write(reinterpret_cast<const char*>(constants_[i].bytes.data()),
                  static_cast<std::streamsize>(constants_[i].bytes.size()));
    }
    for (std::size_t i = 0; i < delegates_.size(); ++i) {
        out.seekp(static_cast<std::streamoff>(segmentBase + segments[i + 1].first));
        out.write(reinterpret_cast<const char*>(delegates_[i].payload.data()),
                  static_cast<std::streamsize>(delegates_[i].payload.size()));
    }
    out.close();
    // Extend to the full segment size so sparse constants at the end exist on disk as holes.
    std::filesystem::resize_file(path, segmentBase + segmentEnd);
}

} // namespace pteron
