#include "parsers/etrecord/torch_pickle.hpp"

#include "core/format_error.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

namespace pteron::etrecord {

namespace {

const std::string kFormat = "pickle";

struct NamedType {
    std::string_view name;
    DType dtype;
};

// Legacy typed storages of torch (torch/storage.py) and the element each holds.
constexpr std::array<NamedType, 15> kStorageClasses{{
    {"DoubleStorage", DType::Float64},
    {"FloatStorage", DType::Float32},
    {"HalfStorage", DType::Float16},
    {"BFloat16Storage", DType::BFloat16},
    {"LongStorage", DType::Int64},
    {"IntStorage", DType::Int32},
    {"ShortStorage", DType::Int16},
    {"CharStorage", DType::Int8},
    {"ByteStorage", DType::UInt8},
    {"BoolStorage", DType::Bool},
    {"ComplexFloatStorage", DType::Complex64},
    {"ComplexDoubleStorage", DType::Complex128},
    {"QInt8Storage", DType::QInt8},
    {"QUInt8Storage", DType::QUInt8},
    {"QInt32Storage", DType::QInt32},
}};

// torch.<dtype> globals, as _rebuild_tensor_v3 names the element type of an untyped storage.
constexpr std::array<NamedType, 22> kDtypeGlobals{{
    {"float64", DType::Float64},
    {"double", DType::Float64},
    {"float32", DType::Float32},
    {"float", DType::Float32},
    {"float16", DType::Float16},
    {"half", DType::Float16},
    {"bfloat16", DType::BFloat16},
    {"int64", DType::Int64},
    {"long", DType::Int64},
    {"int32", DType::Int32},
    {"int", DType::Int32},
    {"int16", DType::Int16},
    {"short", DType::Int16},
    {"int8", DType::Int8},
    {"uint8", DType::UInt8},
    {"bool", DType::Bool},
    {"uint16", DType::UInt16},
    {"uint32", DType::UInt32},
    {"uint64", DType::UInt64},
    {"float8_e4m3fn", DType::Float8E4M3FN},
    {"float8_e5m2", DType::Float8E5M2},
    {"complex64", DType::Complex64},
}};

std::optional<DType> lookup(std::span<const NamedType> table, std::string_view name) {
    for (const auto& entry : table)
        if (entry.name == name) return entry.dtype;
    return std::nullopt;
}

bool isRebuildFunction(std::string_view name) {
    return name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor_v3" ||
           name == "torch._utils._rebuild_parameter" ||
           name == "torch._utils._rebuild_parameter_with_state";
}

// Whether `module.name` is on the allow-list.
bool allowedGlobal(std::string_view module, std::string_view name) {
    if (module == "collections") return name == "OrderedDict";
    if (module == "torch.jit._pickle") return name == "restore_type_tag";
    if (module == "torch._utils") return isRebuildFunction("torch._utils." + std::string(name));
    if (module == "torch")
        return name == "UntypedStorage" || lookup(kStorageClasses, name) ||
               lookup(kDtypeGlobals, name);
    return false;
}

class PickleMachine {
  public:
    PickleMachine(std::span<const std::byte> bytes, const std::string& file)
        : bytes_(bytes), file_(file) {}

    Pickle run() {
        while (true) {
            opcodeAt_ = at_;
            const auto opcode = static_cast<std::uint8_t>(u8());
            if (opcode == '.') break;
            step(opcode);
        }
        if (stack_.size() != 1 || !marks_.empty())
            fail(opcodeAt_, "STOP with exactly one value on the stack and no open MARK");
        result_.root = stack_.back();
        return std::move(result_);
    }

  private:
    [[noreturn]] void fail(std::uint64_t offset, const std::string& expected) const {
        throw FormatError(file_, kFormat, atOffset(offset), expected);
    }

    std::uint64_t u8() {
        if (at_ >= bytes_.size()) fail(at_, "another opcode or argument byte (truncated pickle)");
        return static_cast<std::uint8_t>(bytes_[at_++]);
    }
    std::uint64_t unsignedLE(std::size_t width) {
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < width; ++i)
            value |= u8() << (8 * i);
        return value;
    }
    std::string_view take(std::uint64_t length) {
        if (length > bytes_.size() - at_)
            fail(at_, std::to_string(length) + " bytes of argument inside the pickle");
        const auto* data = reinterpret_cast<const char*>(bytes_.data() + at_);
        at_ += length;
        return {data, static_cast<std::size_t>(length)};
    }
    std::string_view line() {
        const auto start = at_;
        while (u8() != '\n') {
        }
        return {reinterpret_cast<const char*>(bytes_.data() + start), at_ - start - 1};
    }

    std::size_t add(PickleValue value) {
        result_.values.push_back(std::move(value));
        return result_.values.size() - 1;
    }
    void push(PickleValue value) { stack_.push_back(add(std::move(value))); }
    std::size_t pop() {
        if (stack_.size() <= floor()) fail(opcodeAt_, "a value on the stack for this opcode");
        const auto top = stack_.back();
        stack_.pop_back();
        return top;
    }
    std::size_t top() {
        if (stack_.size() <= floor()) fail(opcodeAt_, "a value on the stack for this opcode");
        return stack_.back();
    }
    std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
    // The values above the last MARK, which is removed.
    std::vector<std::size_t> popMark() {
        if (marks_.empty()) fail(opcodeAt_, "a MARK before this opcode");
        const auto mark = marks_.back();
        marks_.pop_back();
        std::vector<std::size_t> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark),
                                       stack_.end());
        stack_.resize(mark);
        return items;
    }
    PickleValue& value(std::size_t index) { return result_.values[index]; }

    void memoize(std::uint64_t key) {
        const auto item = top();
        if (key > bytes_.size()) fail(opcodeAt_, "a memo key below the pickle's size");
        if (memo_.size() <= key) memo_.resize(key + 1);
        memo_[key] = item;
    }
    void recall(std::uint64_t key) {
        if (key >= memo_.size() || !memo_[key])
            fail(opcodeAt_, "a memo key stored earlier, found " + std::to_string(key));
        stack_.push_back(*memo_[key]);
    }

    void tuple(std::vector<std::size_t> items) {
        PickleValue value;
        value.kind = PickleKind::Tuple;
        value.items = std::move(items);
        push(std::move(value));
    }
    void integer(std::int64_t number) {
        PickleValue value;
        value.kind = PickleKind::Int;
        value.integer = number;
        push(std::move(value));
    }
    void text(std::string_view utf8) {
        PickleValue value;
        value.kind = PickleKind::String;
        value.text = std::string(utf8);
        push(std::move(value));
    }
    void global(std::string_view module, std::string_view name) {
        if (!allowedGlobal(module, name))
            fail(opcodeAt_, "an allow-listed global (collections.OrderedDict, torch._utils "
                            "tensor rebuilders, torch storages and dtypes, "
                            "torch.jit._pickle.restore_type_tag), found " +
                                std::string(module) + "." + std::string(name));
        PickleValue value;
        value.kind = PickleKind::Global;
        value.text = std::string(module) + "." + std::string(name);
        push(std::move(value));
    }
    void container(PickleKind kind) {
        PickleValue value;
        value.kind = kind;
        push(std::move(value));
    }
    void setItems(std::size_t dict, const std::vector<std::size_t>& pairs) {
        if (value(dict).kind != PickleKind::Dict) fail(opcodeAt_, "SETITEM(S) on a dict");
        if (pairs.size() % 2) fail(opcodeAt_, "key and value pairs for SETITEMS");
        auto& items = value(dict).items;
        items.insert(items.end(), pairs.begin(), pairs.end());
    }
    void append(std::size_t list, const std::vector<std::size_t>& items) {
        if (value(list).kind != PickleKind::List) fail(opcodeAt_, "APPEND(S) on a list");
        auto& target = value(list).items;
        target.insert(target.end(), items.begin(), items.end());
    }

    void step(std::uint8_t opcode) {
        switch (opcode) {
        case 0x80: { // PROTO
            const auto version = u8();
            if (version < 2 || version > 5)
                fail(opcodeAt_, "pickle protocol 2 to 5, found " + std::to_string(version));
            return;
        }
        case 0x95: // FRAME: a length hint only
            unsignedLE(8);
            return;
        case 'c': { // GLOBAL
            const auto module = std::string(line());
            const auto name = std::string(line());
            global(module, name);
            return;
        }
        case 0x93: { // STACK_GLOBAL
            const auto name = pop();
            const auto module = pop();
            if (value(module).kind != PickleKind::String || value(name).kind != PickleKind::String)
                fail(opcodeAt_, "two strings for STACK_GLOBAL");
            const auto moduleText = value(module).text;
            const auto nameText = value(name).text;
            global(moduleText, nameText);
            return;
        }
        case 'q': // BINPUT
            memoize(u8());
            return;
        case 'r': // LONG_BINPUT
            memoize(unsignedLE(4));
            return;
        case 0x94: // MEMOIZE
            memoize(memo_.size());
            return;
        case 'h': // BINGET
            recall(u8());
            return;
        case 'j': // LONG_BINGET
            recall(unsignedLE(4));
            return;
        case '(': // MARK
            marks_.push_back(stack_.size());
            return;
        case 't': // TUPLE
            tuple(popMark());
            return;
        case ')': // EMPTY_TUPLE
            tuple({});
            return;
        case 0x85: { // TUPLE1
            const auto a = pop();
            tuple({a});
            return;
        }
        case 0x86: { // TUPLE2
            const auto b = pop();
            const auto a = pop();
            tuple({a, b});
            return;
        }
        case 0x87: { // TUPLE3
            const auto c = pop();
            const auto b = pop();
            const auto a = pop();
            tuple({a, b, c});
            return;
        }
        case '}': // EMPTY_DICT
            container(PickleKind::Dict);
            return;
        case ']': // EMPTY_LIST
            container(PickleKind::List);
            return;
        case 's': { // SETITEM
            const auto item = pop();
            const auto key = pop();
            setItems(top(), {key, item});
            return;
        }
        case 'u': { // SETITEMS
            const auto pairs = popMark();
            setItems(top(), pairs);
            return;
        }
        case 'a': { // APPEND
            const auto item = pop();
            append(top(), {item});
            return;
        }
        case 'e': { // APPENDS
            const auto items = popMark();
            append(top(), items);
            return;
        }
        case 'K': // BININT1
            integer(static_cast<std::int64_t>(u8()));
            return;
        case 'M': // BININT2
            integer(static_cast<std::int64_t>(unsignedLE(2)));
            return;
        case 'J': // BININT
            integer(static_cast<std::int32_t>(unsignedLE(4)));
            return;
        case 0x8a: { // LONG1
            const auto width = u8();
            if (width > 8) fail(opcodeAt_, "a LONG1 integer of at most 8 bytes");
            std::uint64_t bits = width ? unsignedLE(width) : 0;
            if (width > 0 && width < 8 && (bits >> (8 * width - 1)) & 1)
                bits |= ~std::uint64_t{0} << (8 * width); // sign-extend
            integer(static_cast<std::int64_t>(bits));
            return;
        }
        case 'G': { // BINFLOAT, big-endian
            std::uint64_t bits = 0;
            for (int i = 0; i < 8; ++i)
                bits = (bits << 8) | u8();
            PickleValue value;
            value.kind = PickleKind::Float;
            value.real = std::bit_cast<double>(bits);
            push(std::move(value));
            return;
        }
        case 0x88:   // NEWTRUE
        case 0x89: { // NEWFALSE
            PickleValue value;
            value.kind = PickleKind::Bool;
            value.integer = opcode == 0x88;
            push(std::move(value));
            return;
        }
        case 'N': // NONE
            container(PickleKind::None);
            return;
        case 'X': // BINUNICODE
            text(take(unsignedLE(4)));
            return;
        case 0x8c: // SHORT_BINUNICODE
            text(take(u8()));
            return;
        case 'Q': // BINPERSID
            persistentStorage(pop());
            return;
        case 'R': { // REDUCE
            const auto arguments = pop();
            const auto callable = pop();
            reduce(callable, arguments);
            return;
        }
        default:
            fail(opcodeAt_, "an opcode torch.save writes (protocol 2), found 0x" + hex(opcode) +
                                printable(opcode));
        }
    }

    static std::string hex(std::uint8_t byte) {
        constexpr char kDigits[] = "0123456789abcdef";
        return {kDigits[byte >> 4], kDigits[byte & 15]};
    }
    static std::string printable(std::uint8_t byte) {
        if (byte < 0x20 || byte > 0x7e) return "";
        return std::string(" '") + static_cast<char>(byte) + "'";
    }

    const PickleValue& tupleAt(std::size_t index, std::size_t minimum, std::size_t maximum,
                               const std::string& what) {
        const auto& tuple = value(index);
        if (tuple.kind != PickleKind::Tuple || tuple.items.size() < minimum ||
            tuple.items.size() > maximum)
            fail(opcodeAt_, what);
        return tuple;
    }

    // ('storage', <torch.XStorage>, key, location, count)
    void persistentStorage(std::size_t id) {
        const std::string what = "a persistent id ('storage', storage class, key, location, count)";
        const auto items = tupleAt(id, 5, 5, what).items;
        const auto& tag = value(items[0]);
        const auto& type = value(items[1]);
        const auto& key = value(items[2]);
        const auto& location = value(items[3]);
        const auto& count = value(items[4]);
        if (tag.kind != PickleKind::String || tag.text != "storage" ||
            type.kind != PickleKind::Global || key.kind != PickleKind::String ||
            location.kind != PickleKind::String || count.kind != PickleKind::Int ||
            count.integer < 0)
            fail(opcodeAt_, what);
        PickleValue storage;
        storage.kind = PickleKind::Storage;
        const std::string_view className = std::string_view(type.text).substr(6); // "torch."
        if (className == "UntypedStorage") {
            storage.tensor.untypedStorage = true;
            storage.tensor.dtype = DType::UInt8;
        } else if (const auto dtype = lookup(kStorageClasses, className);
                   dtype && type.text.starts_with("torch.")) {
            storage.tensor.dtype = *dtype;
        } else {
            fail(opcodeAt_, "a torch storage class in the persistent id, found " + type.text);
        }
        storage.tensor.storageKey = key.text;
        storage.tensor.location = location.text;
        storage.tensor.storageCount = static_cast<std::uint64_t>(count.integer);
        push(std::move(storage));
    }

    std::vector<std::int64_t> intTuple(std::size_t index, const std::string& what) {
        const auto& tuple = value(index);
        if (tuple.kind != PickleKind::Tuple) fail(opcodeAt_, what + " as a tuple of ints");
        std::vector<std::int64_t> numbers;
        for (auto item : tuple.items) {
            if (value(item).kind != PickleKind::Int) fail(opcodeAt_, what + " as a tuple of ints");
            numbers.push_back(value(item).integer);
        }
        return numbers;
    }

    void reduce(std::size_t callable, std::size_t arguments) {
        if (value(callable).kind != PickleKind::Global)
            fail(opcodeAt_, "REDUCE of an allow-listed global");
        const auto name = value(callable).text;
        if (value(arguments).kind != PickleKind::Tuple)
            fail(opcodeAt_, "REDUCE with an argument tuple");
        if (name == "collections.OrderedDict") {
            if (!value(arguments).items.empty())
                fail(opcodeAt_, "collections.OrderedDict called with no arguments");
            container(PickleKind::Dict);
            return;
        }
        // libtorch's pickle_save tags containers with their type: the object itself.
        if (name == "torch.jit._pickle.restore_type_tag") {
            const auto items = tupleAt(arguments, 2, 2, name + "(object, type name)").items;
            stack_.push_back(items[0]);
            return;
        }
        if (name == "torch._utils._rebuild_tensor_v2") return rebuildTensor(arguments, 6, 7, false);
        if (name == "torch._utils._rebuild_tensor_v3") return rebuildTensor(arguments, 7, 8, true);
        if (name == "torch._utils._rebuild_parameter" ||
            name == "torch._utils._rebuild_parameter_with_state") {
            const auto items =
                tupleAt(arguments, 3, 4, name + "(tensor, requires_grad, hooks…)").items;
            PickleValue tensor = value(items[0]);
            if (tensor.kind != PickleKind::Tensor) fail(opcodeAt_, name + " of a rebuilt tensor");
            tensor.tensor.parameter = true;
            push(std::move(tensor));
            return;
        }
        fail(opcodeAt_, "a callable global, found " + name);
    }

    // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]);
    // v3 adds the dtype after the hooks.
    void rebuildTensor(std::size_t arguments, std::size_t minimum, std::size_t maximum,
                       bool withDtype) {
        const std::string what = std::string("torch._utils._rebuild_tensor_v") +
                                 (withDtype ? "3" : "2") +
                                 "(storage, offset, size, stride, requires_grad, hooks…)";
        const auto items = tupleAt(arguments, minimum, maximum, what).items;
        const auto& storage = value(items[0]);
        const auto& offset = value(items[1]);
        if (storage.kind != PickleKind::Storage || offset.kind != PickleKind::Int ||
            offset.integer < 0)
            fail(opcodeAt_, what);
        PickleValue tensor;
        tensor.kind = PickleKind::Tensor;
        tensor.tensor = storage.tensor;
        tensor.tensor.offset = offset.integer;
        tensor.tensor.sizes = intTuple(items[2], "tensor sizes");
        tensor.tensor.strides = intTuple(items[3], "tensor strides");
        if (tensor.tensor.sizes.size() != tensor.tensor.strides.size())
            fail(opcodeAt_, "as many strides as sizes");
        if (withDtype) {
            const auto& dtype = value(items[6]);
            const auto name = dtype.kind == PickleKind::Global && dtype.text.starts_with("torch.")
                                  ? lookup(kDtypeGlobals, std::string_view(dtype.text).substr(6))
                                  : std::nullopt;
            if (!name) fail(opcodeAt_, "a torch dtype as the rebuild's element type");
            tensor.tensor.dtype = *name;
        } else if (tensor.tensor.untypedStorage) {
            fail(opcodeAt_, "a typed storage for _rebuild_tensor_v2");
        }
        push(std::move(tensor));
    }

    std::span<const std::byte> bytes_;
    const std::string& file_;
    std::uint64_t at_ = 0;
    std::uint64_t opcodeAt_ = 0;
    Pickle result_;
    std::vector<std::size_t> stack_;
    std::vector<std::size_t> marks_;
    std::vector<std::optional<std::size_t>> memo_;
};

} // namespace

Pickle readTorchPickle(std::span<const std::byte> bytes, const std::string& file) {
    return PickleMachine(bytes, file).run();
}

} // namespace pteron::etrecord
