// Ethos-U register commands: splitting the word stream into commands and naming each opcode.
#pragma once

#include "parsers/ethosu/ethosu_hardware.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pteron::ethosu {

// One command of the stream: a register write or an operation trigger.
struct RegisterCommand {
    std::uint64_t offset = 0;  // byte offset inside the command stream
    std::uint16_t opcode = 0;  // 10-bit opcode
    bool longForm = false;     // cmd1: a 32-bit payload word follows
    std::uint16_t param = 0;   // the upper 16 bits of the first word
    std::uint32_t payload = 0; // cmd1 only
    std::string_view name;     // "NPU_SET_IFM_REGION"; empty for opcodes this family lacks

    // True for NPU_OP_* commands, which act on the registers set so far.
    bool isOperation() const { return longForm ? opcode >= 0x100 : opcode < 0x100; }
    // cmd1 value with the address high bits kept in the parameter.
    std::uint64_t address() const {
        return std::uint64_t{payload} | (std::uint64_t{param} & 0xFF) << 32;
    }
};

// Opcode numbers shared by every Ethos-U family (names differ only where noted in the tables).
namespace op {
inline constexpr std::uint16_t Stop = 0x000, Irq = 0x001, Conv = 0x002, Depthwise = 0x003,
                               Pool = 0x005, Elementwise = 0x006, Resize = 0x007, DmaStart = 0x010,
                               DmaWait = 0x011, KernelWait = 0x012, PmuMask = 0x013, Branch = 0x100;
}

namespace reg0 {
inline constexpr std::uint16_t IfmPadTop = 0x100, IfmPadLeft = 0x101, IfmPadRight = 0x102,
                               IfmPadBottom = 0x103, IfmDepthM1 = 0x104, IfmPrecision = 0x105,
                               IfmUpscale = 0x107, IfmBroadcast = 0x108, IfmZeroPoint = 0x109,
                               IfmWidth0M1 = 0x10A, IfmHeight0M1 = 0x10B, IfmHeight1M1 = 0x10C,
                               IfmRegion = 0x10F, OfmWidthM1 = 0x111, OfmHeightM1 = 0x112,
                               OfmDepthM1 = 0x113, OfmPrecision = 0x114, OfmBlockWidthM1 = 0x115,
                               OfmBlockHeightM1 = 0x116, OfmBlockDepthM1 = 0x117,
                               OfmZeroPoint = 0x118, OfmWidth0M1 = 0x11A, OfmHeight0M1 = 0x11B,
                               OfmHeight1M1 = 0x11C, OfmRegion = 0x11F, KernelWidthM1 = 0x120,
                               KernelHeightM1 = 0x121, KernelStride = 0x122, AccFormat = 0x124,
                               Activation = 0x125, ActivationMin = 0x126, ActivationMax = 0x127,
                               WeightRegion = 0x128, ScaleRegion = 0x129, ResizeXScaleNM1 = 0x12A,
                               ResizeYScaleNM1 = 0x12B, ResizeXOffset = 0x12C,
                               ResizeYOffset = 0x12D, WeightFormat = 0x12E, BlockDep = 0x12F,
                               DmaSrcRegion = 0x130, DmaDstRegion = 0x131, DmaSize0 = 0x132,
                               DmaSize1 = 0x133, Ifm2Broadcast = 0x180, Ifm2Scalar = 0x181,
                               Ifm2Precision = 0x185, Ifm2ZeroPoint = 0x189, Ifm2Width0M1 = 0x18A,
                               Ifm2Height0M1 = 0x18B, Ifm2Height1M1 = 0x18C, Ifm2Region = 0x18F;
}

namespace reg1 {
inline constexpr std::uint16_t IfmBase0 = 0x000, IfmStrideX = 0x004, IfmStrideY = 0x005,
                               IfmStrideC = 0x006, OfmBase0 = 0x010, OfmStrideX = 0x014,
                               OfmStrideY = 0x015, OfmStrideC = 0x016, WeightBase = 0x020,
                               WeightLength = 0x021, ScaleBase = 0x022, ScaleLength = 0x023,
                               OfmScale = 0x024, OpaScale = 0x025, OpbScale = 0x026,
                               OpScalar = 0x027, DmaSkip0 = 0x033, DmaSkip1 = 0x034, DmaSrc = 0x030,
                               DmaDst = 0x031, DmaLength = 0x032, Ifm2Base0 = 0x080,
                               Ifm2StrideX = 0x084, Ifm2StrideY = 0x085, Ifm2StrideC = 0x086,
                               Weight1Base = 0x090, Weight1Length = 0x091, Scale1Base = 0x092,
                               Scale1Length = 0x093, Weight2Base = 0x092, Weight2Length = 0x093,
                               Weight3Base = 0x094, Weight3Length = 0x095, ResizeX = 0x096,
                               ResizeY = 0x097;
}

// Name of a command for the product's register family, or an empty view when unknown.
std::string_view commandName(Product product, bool longForm, std::uint16_t opcode);

// Splits the stream into commands. A cmd1 cut off by the end is a FormatError.
std::vector<RegisterCommand> splitCommands(std::span<const std::byte> words, Product product,
                                           const std::string& file, std::uint64_t base);

// "NPU_SET_IFM_REGION 1" or "NPU_SET_IFM_BASE0 0x00001200" for listings.
std::string describe(const RegisterCommand& command);

} // namespace pteron::ethosu
