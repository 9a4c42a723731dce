// Binds initializer bytes to values without copying weights where the file allows it.
#pragma once

#include "core/mapped_file.hpp"
#include "core/value.hpp"
#include "parsers/onnx/onnx_wire.hpp"

#include <onnx/onnx_pb.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pteron {

inline constexpr const char* kOnnxFormat = "onnx";

// raw_data becomes a view into the mapped model file (located by the wire walk); external data
// a view into its own mapped file beside the model; the typed fields (float_data, int32_data, ...)
// are decoded into a small owned buffer, since their wire form is not the element layout.
class OnnxConstantData {
  public:
    OnnxConstantData(std::shared_ptr<const MappedFile> model, std::optional<RawDataLocations> raw)
        : model_(std::move(model)), raw_(std::move(raw)) {}

    // `graphPath` and `index` name the initializer as locateRawData does; `where` is for errors.
    void bind(const ::onnx::TensorProto& tensor, const std::string& graphPath, std::size_t index,
              const std::string& where, Value& value);

    // External data files and decoded buffers the values view, for Model::files.
    std::vector<std::shared_ptr<const MappedFile>> files() const;
    // Number of tensors whose bytes had to be copied (typed fields, or raw data not located).
    std::size_t copiedTensors() const { return copies_.size(); }

  private:
    void bindRaw(const ::onnx::TensorProto& tensor, const std::string& graphPath, std::size_t index,
                 std::uint64_t expected, const std::string& where, Value& value);
    void bindExternal(const ::onnx::TensorProto& tensor, std::uint64_t expected,
                      const std::string& where, Value& value);
    void bindTyped(const ::onnx::TensorProto& tensor, std::uint64_t elements,
                   const std::string& where, Value& value);
    ByteView keep(std::string name, std::span<const std::byte> bytes);
    std::shared_ptr<const MappedFile> externalFile(const std::string& location,
                                                   const std::string& where);
    [[noreturn]] void fail(const std::string& where, const std::string& expected) const;

    std::shared_ptr<const MappedFile> model_;
    std::optional<RawDataLocations> raw_;
    std::map<std::string, std::shared_ptr<const MappedFile>> external_;
    std::vector<std::shared_ptr<const MappedFile>> copies_;
};

} // namespace pteron
