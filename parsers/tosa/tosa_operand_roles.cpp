#include "parsers/tosa/tosa_operand_roles.hpp"

#include <array>

namespace pteron::tosa {

namespace {

// Input roles in operand order, separated by spaces.
struct Roles {
    std::string_view op;
    std::string_view inputs;
};

constexpr std::string_view kConvolution = "input weight bias input_zp weight_zp";
constexpr std::string_view kBinary = "input1 input2";
constexpr std::string_view kUnary = "input1";

// Operand order of the TOSA 1.0 specification.
constexpr std::array kRoles{
    Roles{"CONV2D", kConvolution},
    Roles{"CONV3D", kConvolution},
    Roles{"DEPTHWISE_CONV2D", kConvolution},
    Roles{"TRANSPOSE_CONV2D", kConvolution},
    Roles{"FULLY_CONNECTED", "input weight bias"},
    Roles{"MATMUL", "A B A_zp B_zp"},
    Roles{"AVG_POOL2D", "input input_zp output_zp"},
    Roles{"MAX_POOL2D", "input"},
    Roles{"ARGMAX", "input"},
    Roles{"FFT2D", "input_real input_imag"},
    Roles{"RFFT2D", "input_real"},
    Roles{"RESCALE", "input multiplier shift input_zp output_zp"},
    Roles{"CLAMP", "input"},
    Roles{"ERF", "input"},
    Roles{"SIGMOID", "input"},
    Roles{"TANH", "input"},
    Roles{"MUL", "input1 input2 shift"},
    Roles{"TABLE", "input1 table"},
    Roles{"NEGATE", "input1 input1_zp output_zp"},
    Roles{"SELECT", "input1 input2 input3"},
    Roles{"PAD", "input1 padding pad_const"},
    Roles{"RESHAPE", "input1 shape"},
    Roles{"SLICE", "input1 start size"},
    Roles{"TILE", "input1 multiples"},
    Roles{"TRANSPOSE", "input1"},
    Roles{"REVERSE", "input1"},
    Roles{"RESIZE", "input scale offset border"},
    Roles{"GATHER", "values indices"},
    Roles{"SCATTER", "values_in indices input"},
    Roles{"CAST", "input"},
    Roles{"IDENTITY", "input1"},
    Roles{"COND_IF", "condition"},
    Roles{"REDUCE_ALL", "input"},
    Roles{"REDUCE_ANY", "input"},
    Roles{"REDUCE_MAX", "input"},
    Roles{"REDUCE_MIN", "input"},
    Roles{"REDUCE_PRODUCT", "input"},
    Roles{"REDUCE_SUM", "input"},
};

using namespace std::string_view_literals;

constexpr std::array kBinaryOps{"ADD"sv,
                                "SUB"sv,
                                "MAXIMUM"sv,
                                "MINIMUM"sv,
                                "POW"sv,
                                "INTDIV"sv,
                                "ARITHMETIC_RIGHT_SHIFT"sv,
                                "BITWISE_AND"sv,
                                "BITWISE_OR"sv,
                                "BITWISE_XOR"sv,
                                "LOGICAL_AND"sv,
                                "LOGICAL_LEFT_SHIFT"sv,
                                "LOGICAL_RIGHT_SHIFT"sv,
                                "LOGICAL_OR"sv,
                                "LOGICAL_XOR"sv,
                                "EQUAL"sv,
                                "GREATER"sv,
                                "GREATER_EQUAL"sv};

constexpr std::array kUnaryOps{"ABS"sv,         "BITWISE_NOT"sv, "CEIL"sv,  "CLZ"sv,
                               "COS"sv,         "EXP"sv,         "FLOOR"sv, "LOG"sv,
                               "LOGICAL_NOT"sv, "RECIPROCAL"sv,  "RSQRT"sv, "SIN"sv};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view op) {
    for (const auto name : names)
        if (name == op) return true;
    return false;
}

std::string_view rolesOf(std::string_view op) {
    for (const auto& entry : kRoles)
        if (entry.op == op) return entry.inputs;
    if (contains(kBinaryOps, op)) return kBinary;
    if (contains(kUnaryOps, op)) return kUnary;
    return {};
}

} // namespace

std::string tosaInputRole(std::string_view op, std::size_t index) {
    // CONCAT's one operand is a tensor list; each element is named by its position in it.
    if (op == "CONCAT" || op == "CONCAT_SHAPE") return "input1[" + std::to_string(index) + "]";
    auto roles = rolesOf(op);
    for (std::size_t i = 0; !roles.empty(); ++i) {
        const auto end = roles.find(' ');
        if (i == index) return std::string(roles.substr(0, end));
        roles = end == std::string_view::npos ? std::string_view{} : roles.substr(end + 1);
    }
    return "input" + std::to_string(index);
}

std::string tosaOutputRole(std::size_t index, std::size_t count) {
    return count == 1 ? "output" : "output" + std::to_string(index);
}

} // namespace pteron::tosa
