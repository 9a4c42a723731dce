#include "parsers/etrecord/exported_program_graph.hpp"

#include "core/format_error.hpp"
#include "parsers/etrecord/edge_operators.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>

namespace pteron::etrecord {

namespace {

using Json = nlohmann::json;

const std::string kFormat = "etrecord";

struct SerializedType {
    DType dtype;
    std::int64_t executorchNumber; // the same type in ExecuTorch's ScalarType numbering
};

// ExportedProgram ScalarType (exir/serde/schema.py) by number, 0..16.
constexpr std::array<SerializedType, 17> kSerializedTypes{{
    {DType::Unknown, -1},
    {DType::UInt8, 0},
    {DType::Int8, 1},
    {DType::Int16, 2},
    {DType::Int32, 3},
    {DType::Int64, 4},
    {DType::Float16, 5},
    {DType::Float32, 6},
    {DType::Float64, 7},
    {DType::Unknown, 8},
    {DType::Complex64, 9},
    {DType::Complex128, 10},
    {DType::Bool, 11},
    {DType::BFloat16, 15},
    {DType::UInt16, 27},
    {DType::Float8E5M2, 23},
    {DType::Float8E4M3FN, 24},
}};

// MemoryFormat of the schema (0 Unknown, 1 Contiguous, 2 ChannelsLast, 3 ChannelsLast3d,
// 4 Preserve) as c10's numbering (Contiguous 0, Preserve 1, ChannelsLast 2, ChannelsLast3d 3).
constexpr std::array<std::pair<std::string_view, std::int64_t>, 5> kMemoryFormats{{
    {"unknown", -1},
    {"contiguous", 0},
    {"channels_last", 2},
    {"channels_last_3d", 3},
    {"preserve", 1},
}};

constexpr std::array<std::string_view, 8> kLayouts{"unknown",    "sparse_coo", "sparse_csr",
                                                   "sparse_csc", "sparse_bsr", "sparse_bsc",
                                                   "mkldnn",     "strided"};

// Argument union members that carry a value; the reader fails on any other.
constexpr std::array<std::string_view, 27> kArgumentKinds{"as_none",
                                                          "as_tensor",
                                                          "as_tensors",
                                                          "as_int",
                                                          "as_ints",
                                                          "as_float",
                                                          "as_floats",
                                                          "as_string",
                                                          "as_strings",
                                                          "as_sym_int",
                                                          "as_sym_ints",
                                                          "as_scalar_type",
                                                          "as_memory_format",
                                                          "as_layout",
                                                          "as_device",
                                                          "as_bool",
                                                          "as_bools",
                                                          "as_sym_bool",
                                                          "as_sym_bools",
                                                          "as_graph",
                                                          "as_optional_tensors",
                                                          "as_custom_obj",
                                                          "as_operator",
                                                          "as_sym_float",
                                                          "as_sym_floats",
                                                          "as_optional_tensor",
                                                          "as_complex"};

class ProgramBuilder {
  public:
    ProgramBuilder(const Json& program, const ProgramSource& source, Graph& graph)
        : program_(program), source_(source), graph_(graph) {}

    void build() {
        const auto& module = object(program_, "graph_module", "");
        const auto& graph = object(module, "graph", "graph_module");
        const std::string graphPath = "graph_module.graph";
        tensorValues_ = optionalObject(graph, "tensor_values", graphPath);
        symIntValues_ = optionalObject(graph, "sym_int_values", graphPath);
        readSignature(object(module, "signature", "graph_module"), "graph_module.signature");
        readInputs(array(graph, "inputs", graphPath), graphPath + ".inputs");
        const auto& nodes = array(graph, "nodes", graphPath);
        for (std::size_t i = 0; i < nodes.size(); ++i)
            graph_.nodes.push_back(
                readNode(nodes[i], graphPath + ".nodes[" + std::to_string(i) + "]"));
        readOutputs(array(graph, "outputs", graphPath), graphPath + ".outputs");
        addProgramAttributes();
    }

  private:
    [[noreturn]] void fail(const std::string& path, const std::string& expected) const {
        throw FormatError(source_.file, kFormat,
                          "member " + source_.member + (path.empty() ? "" : ": " + path), expected);
    }

    static std::string join(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }

    const Json& member(const Json& parent, std::string_view key, const std::string& path) const {
        if (!parent.is_object()) fail(path, "a JSON object");
        const auto found = parent.find(key);
        if (found == parent.end()) fail(path, "a member \"" + std::string(key) + "\"");
        return *found;
    }
    const Json& object(const Json& parent, std::string_view key, const std::string& path) const {
        const auto& value = member(parent, key, path);
        if (!value.is_object()) fail(join(path, key), "a JSON object");
        return value;
    }
    const Json& array(const Json& parent, std::string_view key, const std::string& path) const {
        const auto& value = member(parent, key, path);
        if (!value.is_array()) fail(join(path, key), "a JSON array");
        return value;
    }
    const Json* optionalObject(const Json& parent, std::string_view key,
                               const std::string& path) const {
        const auto found = parent.find(key);
        if (found == parent.end() || found->is_null()) return nullptr;
        if (!found->is_object()) fail(join(path, key), "a JSON object");
        return &*found;
    }
    std::string text(const Json& parent, std::string_view key, const std::string& path) const {
        const auto& value = member(parent, key, path);
        if (!value.is_string()) fail(join(path, key), "a string");
        return value.get<std::string>();
    }
    std::int64_t integer(const Json& value, const std::string& path) const {
        if (!value.is_number_integer()) fail(path, "an integer");
        return value.get<std::int64_t>();
    }
    double real(const Json& value, const std::string& path) const {
        if (!value.is_number()) fail(path, "a number");
        return value.get<double>();
    }

    // A union: the one member that is set. Old files list every member with null for the unset
    // ones, new files only the set one; as_none carries null or an empty value.
    std::pair<std::string, const Json*> unionMember(const Json& value,
                                                    const std::string& path) const {
        if (!value.is_object() || value.empty()) fail(path, "a union object with one member set");
        const Json* set = nullptr;
        std::string key;
        for (const auto& [name, item] : value.items()) {
            if (item.is_null()) continue;
            if (set) fail(path, "one member set in the union, found " + key + " and " + name);
            set = &item;
            key = name;
        }
        if (set) return {key, set};
        if (value.size() == 1 || value.contains("as_none"))
            return {value.size() == 1 ? value.begin().key() : "as_none", nullptr};
        fail(path, "one member set in the union");
    }

    std::string tensorName(const Json& value, const std::string& path) const {
        return text(value, "name", path);
    }

    // --- values -------------------------------------------------------------------------------

    std::int64_t valueFor(const std::string& name, const std::string& path) {
        if (const auto found = index_.find(name); found != index_.end()) return found->second;
        Value value;
        value.name = name;
        if (tensorValues_ && tensorValues_->contains(name)) {
            readTensorMeta(tensorValues_->at(name), "tensor_values." + name, value);
        } else if (symIntValues_ && symIntValues_->contains(name)) {
            value.kind = ValueKind::Scalar;
            value.dtype = DType::Int64;
        } else {
            (void)path; // values the graph does not describe still join their nodes
        }
        const auto index = static_cast<std::int64_t>(graph_.addValue(std::move(value)));
        index_.emplace(name, index);
        return index;
    }

    // A SymInt: {as_int: n} (old files also {as_expr: null}), or symbolic (-1).
    std::int64_t symInt(const Json& value, const std::string& path, bool& symbolic) const {
        if (value.is_number_integer()) return value.get<std::int64_t>();
        const auto [kind, item] = unionMember(value, path);
        if (kind == "as_int" && item) return integer(*item, join(path, "as_int"));
        if (kind == "as_expr" || kind == "as_name") {
            symbolic = true;
            return -1;
        }
        fail(path, "a SymInt (as_int or as_expr), found " + kind);
    }

    void readTensorMeta(const Json& entry, const std::string& path, Value& value) const {
        const Json& meta = entry.is_object() && entry.contains("meta") ? entry["meta"] : entry;
        const auto metaPath = entry.is_object() && entry.contains("meta") ? path + ".meta" : path;
        const auto number = integer(member(meta, "dtype", metaPath), metaPath + ".dtype");
        value.dtype = dtypeOfSerializedScalarType(number);
        if (value.dtype == DType::Unknown) value.attributes.push_back({"serialized dtype", number});
        const auto& sizes = array(meta, "sizes", metaPath);
        bool symbolic = false;
        for (std::size_t d = 0; d < sizes.size(); ++d) {
            const auto sizePath = metaPath + ".sizes[" + std::to_string(d) + "]";
            bool unknown = false;
            const auto size = symInt(sizes[d], sizePath, unknown);
            if (!unknown && size < 0) fail(sizePath, "a non-negative size");
            symbolic = symbolic || unknown;
            value.shape.push_back(size);
        }
        value.hasShape = true;
        if (symbolic) value.dynamism = ShapeDynamism::DynamicUnbound;
        if (const auto found = meta.find("strides"); found != meta.end() && found->is_array())
            value.dimOrder = dimOrderOf(*found, value.shape, metaPath + ".strides");
        if (const auto device = meta.find("device");
            device != meta.end() && device->is_object() && device->contains("type") &&
            (*device)["type"].is_string() && (*device)["type"] != "cpu")
            value.attributes.push_back({"device", (*device)["type"].get<std::string>()});
    }

    // The dim order the strides describe; empty when contiguous or not a plain permutation.
    std::vector<std::uint8_t> dimOrderOf(const Json& strideList,
                                         const std::vector<std::int64_t>& shape,
                                         const std::string& path) const {
        if (strideList.size() != shape.size() || shape.size() > 16) return {};
        std::vector<std::int64_t> strides;
        bool symbolic = false;
        for (std::size_t d = 0; d < strideList.size(); ++d)
            strides.push_back(
                symInt(strideList[d], path + "[" + std::to_string(d) + "]", symbolic));
        if (symbolic) return {};
        std::vector<std::uint8_t> order(shape.size());
        for (std::size_t d = 0; d < order.size(); ++d)
            order[d] = static_cast<std::uint8_t>(d);
        std::stable_sort(order.begin(), order.end(),
                         [&](auto a, auto b) { return strides[a] > strides[b]; });
        // Only a dense layout is a dim order; size-1 dimensions may carry any stride.
        std::int64_t expected = 1;
        for (std::size_t i = order.size(); i-- > 0;) {
            const auto d = order[i];
            if (shape[d] != 1 && strides[d] != expected) return {};
            expected *= std::max<std::int64_t>(shape[d], 1);
        }
        for (std::size_t d = 0; d < order.size(); ++d)
            if (order[d] != d) return order;
        return {};
    }

    // --- signature, inputs and outputs --------------------------------------------------------

    struct InputSpec {
        std::string kind; // user_input, parameter, buffer, tensor_constant, custom_obj, token
        std::string key;  // state dict or constants key
        std::optional<bool> persistent;
    };

    void readSignature(const Json& signature, const std::string& path) {
        const auto& inputs = array(signature, "input_specs", path);
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const auto specPath = path + ".input_specs[" + std::to_string(i) + "]";
            const auto [kind, body] = unionMember(inputs[i], specPath);
            if (!body) fail(specPath, "an input spec with its argument");
            InputSpec spec;
            spec.kind = kind;
            const auto bodyPath = specPath + "." + kind;
            std::string name;
            if (kind == "constant_input") {
                name = text(*body, "name", bodyPath);
            } else {
                const auto& arg = member(*body, "arg", bodyPath);
                if (kind == "user_input") {
                    const auto [argKind, argBody] = unionMember(arg, bodyPath + ".arg");
                    if (argKind != "as_tensor" || !argBody) continue; // constants, symbols
                    name = tensorName(*argBody, bodyPath + ".arg.as_tensor");
                } else {
                    name = tensorName(arg, bodyPath + ".arg");
                }
            }
            if (kind == "parameter") spec.key = text(*body, "parameter_name", bodyPath);
            if (kind == "buffer") {
                spec.key = text(*body, "buffer_name", bodyPath);
                if (const auto p = body->find("persistent"); p != body->end() && p->is_boolean())
                    spec.persistent = p->get<bool>();
            }
            if (kind == "tensor_constant") spec.key = text(*body, "tensor_constant_name", bodyPath);
            if (kind == "custom_obj") spec.key = text(*body, "custom_obj_name", bodyPath);
            static constexpr std::array<std::string_view, 7> kKinds{
                "user_input", "parameter", "buffer",        "tensor_constant",
                "custom_obj", "token",     "constant_input"};
            if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end())
                fail(specPath, "a known input spec kind, found " + kind);
            inputSpecs_[name] = spec;
        }
        if (const auto found = signature.find("output_specs");
            found != signature.end() && found->is_array()) {
            for (std::size_t i = 0; i < found->size(); ++i) {
                const auto specPath = path + ".output_specs[" + std::to_string(i) + "]";
                const auto [kind, body] = unionMember((*found)[i], specPath);
                if (!body || !body->is_object() || !body->contains("arg")) continue;
                const auto& arg = (*body)["arg"];
                std::string name;
                if (arg.is_object() && arg.contains("name") && arg["name"].is_string())
                    name = arg["name"].get<std::string>();
                else if (arg.is_object() && arg.contains("as_tensor") &&
                         arg["as_tensor"].is_object() && arg["as_tensor"].contains("name") &&
                         arg["as_tensor"]["name"].is_string())
                    name = arg["as_tensor"]["name"].get<std::string>();
                if (name.empty()) continue;
                std::string description = kind;
                if (body->contains("buffer_name") && (*body)["buffer_name"].is_string())
                    description += " " + (*body)["buffer_name"].get<std::string>();
                outputSpecs_[name] = description;
            }
        }
    }

    const SavedTensor* savedTensor(const InputSpec& spec, const std::string& path) const {
        const SavedTensors* first = source_.stateDict;
        const SavedTensors* second = source_.constants;
        if (spec.kind == "tensor_constant" || (spec.kind == "buffer" && spec.persistent == false))
            std::swap(first, second);
        for (const auto* dict : {first, second})
            if (dict)
                if (const auto* tensor = dict->find(spec.key)) return tensor;
        fail(path, "the " + spec.kind + " " + spec.key + " in the program's " +
                       (source_.stateDict || source_.constants
                            ? "state dict or constants"
                            : "state dict (member " + source_.member + "_state_dict is absent)"));
    }

    void readInputs(const Json& inputs, const std::string& path) {
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const auto inputPath = path + "[" + std::to_string(i) + "]";
            const auto [kind, body] = unionMember(inputs[i], inputPath);
            if (kind == "as_none") continue;
            if (kind != "as_tensor" || !body)
                fail(inputPath, "a tensor graph input, found " + kind);
            const auto name = tensorName(*body, inputPath + ".as_tensor");
            const auto index = valueFor(name, inputPath);
            auto& value = graph_.values[static_cast<std::size_t>(index)];
            const auto spec = inputSpecs_.find(name);
            const std::string specKind =
                spec == inputSpecs_.end() ? "user_input" : spec->second.kind;
            if (specKind == "token") continue;
            if (specKind == "user_input" || specKind == "custom_obj") {
                value.kind = ValueKind::Input;
                if (specKind == "custom_obj")
                    value.attributes.push_back({"custom object", spec->second.key});
                graph_.inputs.push_back(index);
                continue;
            }
            const auto* tensor = savedTensor(spec->second, inputPath);
            checkSaved(*tensor, value, spec->second.key, inputPath);
            value.kind = ValueKind::Constant;
            value.data = tensor->data;
            value.dimOrder.clear(); // the saved bytes are in logical order
            value.attributes.push_back({"input kind", specKind});
            value.attributes.push_back({"state dict key", spec->second.key});
        }
    }

    void checkSaved(const SavedTensor& tensor, const Value& value, const std::string& key,
                    const std::string& path) const {
        if (value.dtype != DType::Unknown && value.dtype != tensor.dtype)
            fail(path, "the saved tensor " + key + " to be " + std::string(dtypeName(value.dtype)) +
                           " as the graph says, found " + std::string(dtypeName(tensor.dtype)));
        if (value.hasShape && value.dynamism == ShapeDynamism::Static &&
            value.shape != tensor.shape)
            fail(path, "the saved tensor " + key + " to have the shape " + value.typeText());
    }

    void readOutputs(const Json& outputs, const std::string& path) {
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            const auto outputPath = path + "[" + std::to_string(i) + "]";
            const auto [kind, body] = unionMember(outputs[i], outputPath);
            if (kind == "as_none") continue;
            if (kind != "as_tensor" || !body)
                fail(outputPath, "a tensor graph output, found " + kind);
            const auto name = tensorName(*body, outputPath + ".as_tensor");
            const auto index = valueFor(name, outputPath);
            auto& value = graph_.values[static_cast<std::size_t>(index)];
            if (value.kind == ValueKind::Intermediate) value.kind = ValueKind::Output;
            if (const auto spec = outputSpecs_.find(name); spec != outputSpecs_.end())
                value.attributes.push_back({"output kind", spec->second});
            graph_.outputs.push_back(index);
        }
    }

    // --- nodes --------------------------------------------------------------------------------

    Node readNode(const Json& json, const std::string& path) {
        Node node;
        const auto target = text(json, "target", path);
        const auto op = parseTarget(target);
        node.op = op.isOperator ? outVariantOp(op) : target;
        node.attributes.push_back({"target", target});
        const bool delegateCall = target.find("call_delegate") != std::string::npos;
        std::string backend = op.isOperator ? op.ns : "host";
        const auto& inputs = array(json, "inputs", path);
        std::vector<bool> taken;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const auto inputPath = path + ".inputs[" + std::to_string(i) + "]";
            const auto name = text(inputs[i], "name", inputPath);
            auto position = argumentPosition(op, name);
            if (!position && hasListedSchema(op))
                fail(inputPath, "an argument of " + target + ", found " + name);
            const auto at = position.value_or(i);
            if (taken.size() <= at) taken.resize(at + 1, false);
            if (taken[at]) fail(inputPath, "one value per argument, " + name + " repeats");
            taken[at] = true;
            const auto& arg = member(inputs[i], "arg", inputPath);
            if (delegateCall && addLoweredModule(node, arg, backend)) continue;
            addArgument(node, arg, "arg" + std::to_string(at), inputPath + ".arg");
        }
        readNodeOutputs(node, array(json, "outputs", path), path + ".outputs");
        if (const auto metadata = json.find("metadata");
            metadata != json.end() && metadata->is_object())
            readMetadata(node, *metadata);
        if (node.name.empty()) node.name = op.isOperator ? op.name : target;
        node.partition = graph_.hostPartition(backend);
        if (delegateCall) {
            auto& partition = graph_.partitions[node.partition];
            partition.delegated = true;
            partition.device = DeviceClass::Unknown;
        }
        return node;
    }

    // A delegate call's lowered module, a JSON document in a string: shown by its backend.
    bool addLoweredModule(Node& node, const Json& arg, std::string& backend) const {
        if (!arg.is_object()) return false;
        const auto found = arg.find("as_string");
        if (found == arg.end() || !found->is_string()) return false;
        const auto module = Json::parse(found->get<std::string>(), nullptr, false);
        if (!module.is_object() || !module.contains("backend_id") ||
            !module["backend_id"].is_string())
            return false;
        backend = module["backend_id"].get<std::string>();
        node.attributes.push_back({"backend_id", backend});
        if (module.contains("processed_bytes") && module["processed_bytes"].is_string())
            node.attributes.push_back(
                {"processed_bytes (base64 characters)",
                 static_cast<std::int64_t>(module["processed_bytes"].get<std::string>().size())});
        return true;
    }

    void addTensorOperand(Node& node, const Json& tensor, const std::string& slot,
                          const std::string& path) {
        node.inputs.push_back({valueFor(tensorName(tensor, path), path), slot});
    }

    // One argument at schema slot `slot` ("argN"), as the .pte reader lays kernel calls out:
    // tensors as operands, constants as attributes, run-time symbols as operands too.
    void addArgument(Node& node, const Json& arg, const std::string& slot,
                     const std::string& path) {
        const auto [kind, body] = unionMember(arg, path);
        if (std::find(kArgumentKinds.begin(), kArgumentKinds.end(), kind) == kArgumentKinds.end())
            fail(path, "a known argument kind, found " + kind);
        const auto bodyPath = path + "." + kind;
        if (kind == "as_none" || !body) {
            node.inputs.push_back({kAbsentValue, slot});
            return;
        }
        const Json& value = *body;
        if (kind == "as_tensor" || kind == "as_optional_tensor") {
            if (kind == "as_optional_tensor") {
                const auto [inner, item] = unionMember(value, bodyPath);
                if (inner == "as_none" || !item)
                    node.inputs.push_back({kAbsentValue, slot});
                else
                    addTensorOperand(node, *item, slot, bodyPath + "." + inner);
                return;
            }
            addTensorOperand(node, value, slot, bodyPath);
            return;
        }
        if (kind == "as_tensors" || kind == "as_optional_tensors") {
            if (!value.is_array()) fail(bodyPath, "a list");
            for (std::size_t i = 0; i < value.size(); ++i) {
                const auto item = slot + "[" + std::to_string(i) + "]";
                const auto itemPath = bodyPath + "[" + std::to_string(i) + "]";
                if (kind == "as_tensors") {
                    addTensorOperand(node, value[i], item, itemPath);
                    continue;
                }
                const auto [inner, tensor] = unionMember(value[i], itemPath);
                if (inner == "as_none" || !tensor)
                    node.inputs.push_back({kAbsentValue, item});
                else if (inner == "as_tensor")
                    addTensorOperand(node, *tensor, item, itemPath + ".as_tensor");
                else
                    fail(itemPath, "as_tensor or as_none, found " + inner);
            }
            return;
        }
        node.attributes.push_back({slot, constant(node, kind, value, slot, bodyPath)});
    }

    AttributeValue constant(Node& node, const std::string& kind, const Json& value,
                            const std::string& slot, const std::string& path) {
        if (kind == "as_int") return integer(value, path);
        if (kind == "as_float") return real(value, path);
        if (kind == "as_bool") {
            if (!value.is_boolean()) fail(path, "a boolean");
            return value.get<bool>();
        }
        if (kind == "as_string" || kind == "as_operator") {
            if (!value.is_string()) fail(path, "a string");
            return value.get<std::string>();
        }
        if (kind == "as_ints" || kind == "as_floats" || kind == "as_bools" ||
            kind == "as_strings") {
            if (!value.is_array()) fail(path, "a list");
            std::vector<std::int64_t> ints;
            std::vector<double> floats;
            std::vector<bool> bools;
            std::vector<std::string> strings;
            for (std::size_t i = 0; i < value.size(); ++i) {
                const auto itemPath = path + "[" + std::to_string(i) + "]";
                if (kind == "as_ints") ints.push_back(integer(value[i], itemPath));
                if (kind == "as_floats") floats.push_back(real(value[i], itemPath));
                if (kind == "as_bools") {
                    if (!value[i].is_boolean()) fail(itemPath, "a boolean");
                    bools.push_back(value[i].get<bool>());
                }
                if (kind == "as_strings") {
                    if (!value[i].is_string()) fail(itemPath, "a string");
                    strings.push_back(value[i].get<std::string>());
                }
            }
            if (kind == "as_ints") return ints;
            if (kind == "as_floats") return floats;
            if (kind == "as_bools") return bools;
            return strings;
        }
        if (kind == "as_scalar_type") {
            const auto number = integer(value, path);
            const auto dtype = dtypeOfSerializedScalarType(number);
            if (dtype == DType::Unknown)
                fail(path, "a known ScalarType, found " + std::to_string(number));
            return EnumValue{std::string(dtypeName(dtype)), executorchScalarType(number)};
        }
        if (kind == "as_memory_format") {
            const auto number = integer(value, path);
            if (number < 0 || number >= static_cast<std::int64_t>(kMemoryFormats.size()))
                fail(path, "a MemoryFormat 0..4, found " + std::to_string(number));
            const auto& [name, c10] = kMemoryFormats[static_cast<std::size_t>(number)];
            return EnumValue{std::string(name), c10};
        }
        if (kind == "as_layout") {
            const auto number = integer(value, path);
            if (number < 0 || number >= static_cast<std::int64_t>(kLayouts.size()))
                fail(path, "a Layout 0..7, found " + std::to_string(number));
            return EnumValue{std::string(kLayouts[static_cast<std::size_t>(number)]), number};
        }
        if (kind == "as_device") {
            std::string device = text(value, "type", path);
            if (value.contains("index") && value["index"].is_number_integer())
                device += ":" + std::to_string(value["index"].get<std::int64_t>());
            return device;
        }
        if (kind == "as_sym_int" || kind == "as_sym_bool" || kind == "as_sym_float")
            return symbol(node, value, slot, path);
        if (kind == "as_sym_ints" || kind == "as_sym_bools" || kind == "as_sym_floats") {
            if (!value.is_array()) fail(path, "a list");
            std::vector<std::int64_t> items;
            for (std::size_t i = 0; i < value.size(); ++i) {
                const auto item = symbol(node, value[i], slot + "[" + std::to_string(i) + "]",
                                         path + "[" + std::to_string(i) + "]");
                if (const auto* number = std::get_if<std::int64_t>(&item))
                    items.push_back(*number);
                else if (const auto* flag = std::get_if<bool>(&item))
                    items.push_back(*flag);
                else
                    items.push_back(0); // computed at run time: the operand replaces it
            }
            return items;
        }
        if (kind == "as_graph") return "graph " + text(value, "name", path);
        if (kind == "as_custom_obj") return "custom object " + text(value, "name", path);
        fail(path, "an argument kind with a value, found " + kind);
    }

    // {as_int | as_bool | as_float} is a constant; {as_name} a symbol computed at run time,
    // which becomes an operand of the same slot.
    AttributeValue symbol(Node& node, const Json& value, const std::string& slot,
                          const std::string& path) {
        const auto [kind, item] = unionMember(value, path);
        if (!item) fail(path, "a symbol or a constant");
        if (kind == "as_int") return integer(*item, path + ".as_int");
        if (kind == "as_bool" && item->is_boolean()) return item->get<bool>();
        if (kind == "as_float") return real(*item, path + ".as_float");
        if (kind == "as_name" && item->is_string()) {
            const auto name = item->get<std::string>();
            node.inputs.push_back({valueFor(name, path), slot});
            return std::monostate{};
        }
        fail(path, "as_name, as_int, as_bool or as_float, found " + kind);
    }

    void readNodeOutputs(Node& node, const Json& outputs, const std::string& path) {
        std::vector<std::int64_t> values;
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            const auto outputPath = path + "[" + std::to_string(i) + "]";
            const auto [kind, body] = unionMember(outputs[i], outputPath);
            if (kind == "as_none" || !body) {
                values.push_back(kAbsentValue);
            } else if (kind == "as_tensor") {
                values.push_back(valueFor(tensorName(*body, outputPath), outputPath));
            } else if (kind == "as_tensors" || kind == "as_optional_tensors") {
                if (!body->is_array()) fail(outputPath, "a list");
                for (std::size_t j = 0; j < body->size(); ++j) {
                    const auto itemPath = outputPath + "." + kind + "[" + std::to_string(j) + "]";
                    const Json& entry = (*body)[j];
                    if (kind == "as_tensors") {
                        values.push_back(valueFor(tensorName(entry, itemPath), itemPath));
                        continue;
                    }
                    const auto [inner, tensor] = unionMember(entry, itemPath);
                    values.push_back(inner == "as_tensor" && tensor
                                         ? valueFor(tensorName(*tensor, itemPath), itemPath)
                                         : kAbsentValue);
                }
            } else if (kind == "as_sym_int" || kind == "as_sym_bool" || kind == "as_sym_float") {
                const auto [inner, name] = unionMember(*body, outputPath + "." + kind);
                if (inner != "as_name" || !name || !name->is_string())
                    fail(outputPath, "a named symbol as output");
                const auto index = valueFor(name->get<std::string>(), outputPath);
                graph_.values[static_cast<std::size_t>(index)].kind = ValueKind::Scalar;
                values.push_back(index);
            } else {
                fail(outputPath, "a tensor or symbol output, found " + kind);
            }
        }
        for (std::size_t i = 0; i < values.size(); ++i)
            node.outputs.push_back(
                {values[i], values.size() == 1 ? "out" : "out" + std::to_string(i)});
        for (auto index : values)
            if (index >= 0) {
                node.name = graph_.values[static_cast<std::size_t>(index)].name;
                break;
            }
    }

    void readMetadata(Node& node, const Json& metadata) {
        for (const auto& [key, item] : metadata.items()) {
            if (!item.is_string()) continue;
            const auto text = item.get<std::string>();
            if (key == "debug_handle") {
                std::int64_t handle = 0;
                const auto* end = text.data() + text.size();
                const auto parsed = std::from_chars(text.data(), end, handle);
                if (parsed.ec == std::errc() && parsed.ptr == end)
                    node.attributes.push_back({"debug_handle", handle});
                else
                    node.attributes.push_back({"debug_handle", text});
            } else if (key == "stack_trace") {
                node.location = lastFrame(text);
            } else if (key == "source_fn_stack" || key == "torch_fn") {
                node.attributes.push_back({key, text});
            } else if (key == "nn_module_stack") {
                node.attributes.push_back({key, text});
                node.namespacePath = modulePath(text);
            }
        }
    }

    // 'File "x.py", line 18, in forward' of the innermost frame, as "x.py:18 in forward".
    static std::string lastFrame(const std::string& trace) {
        const auto at = trace.rfind("File \"");
        if (at == std::string::npos) return "";
        const auto fileEnd = trace.find('"', at + 6);
        if (fileEnd == std::string::npos) return "";
        std::string location = trace.substr(at + 6, fileEnd - at - 6);
        const auto line = trace.find("line ", fileEnd);
        const auto in = trace.find(", in ", fileEnd);
        if (line != std::string::npos) {
            const auto digits = trace.find_first_not_of("0123456789", line + 5);
            location += ":" + trace.substr(line + 5, digits - line - 5);
        }
        if (in != std::string::npos) {
            const auto end = trace.find('\n', in);
            location +=
                " in " + trace.substr(in + 5, end == std::string::npos ? end : end - in - 5);
        }
        return location;
    }

    // nn_module_stack entries "key,path,type" joined by ';': the innermost module path,
    // '/'-separated.
    static std::string modulePath(const std::string& stack) {
        const auto last = stack.rfind(';');
        const auto entry = stack.substr(last == std::string::npos ? 0 : last + 1);
        const auto first = entry.find(',');
        if (first == std::string::npos) return "";
        const auto second = entry.find(',', first + 1);
        auto path = entry.substr(first + 1, second == std::string::npos ? std::string::npos
                                                                        : second - first - 1);
        std::replace(path.begin(), path.end(), '.', '/');
        return path;
    }

    static std::int64_t executorchScalarType(std::int64_t serialized) {
        return kSerializedTypes[static_cast<std::size_t>(serialized)].executorchNumber;
    }

    void addProgramAttributes() {
        if (const auto found = program_.find("schema_version"); found != program_.end()) {
            if (found->is_number_integer())
                graph_.attributes.push_back({"schema_version", found->get<std::int64_t>()});
            else if (found->is_object() && found->contains("major") && found->contains("minor"))
                graph_.attributes.push_back({"schema_version", found->at("major").dump() + "." +
                                                                   found->at("minor").dump()});
        }
        if (const auto found = program_.find("opset_version");
            found != program_.end() && found->is_object())
            for (const auto& [ns, version] : found->items())
                if (version.is_number_integer())
                    graph_.attributes.push_back({"opset " + ns, version.get<std::int64_t>()});
        if (const auto found = program_.find("dialect");
            found != program_.end() && found->is_string())
            graph_.attributes.push_back({"dialect", found->get<std::string>()});
        graph_.attributes.push_back({"member", source_.member});
    }

    const Json& program_;
    const ProgramSource& source_;
    Graph& graph_;
    const Json* tensorValues_ = nullptr;
    const Json* symIntValues_ = nullptr;
    std::map<std::string, std::int64_t, std::less<>> index_;
    std::map<std::string, InputSpec, std::less<>> inputSpecs_;
    std::map<std::string, std::string, std::less<>> outputSpecs_;
};

} // namespace

DType dtypeOfSerializedScalarType(std::int64_t number) {
    if (number < 0 || number >= static_cast<std::int64_t>(kSerializedTypes.size()))
        return DType::Unknown;
    return kSerializedTypes[static_cast<std::size_t>(number)].dtype;
}

void buildExportedProgramGraph(const nlohmann::json& program, const ProgramSource& source,
                               Graph& graph) {
    ProgramBuilder(program, source, graph).build();
}

} // namespace pteron::etrecord
