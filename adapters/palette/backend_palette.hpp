// Fill colours for placements by backend id and device class, read from backend_palette.json.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pteron {

// Colours are "#rrggbb" text so the JSON export, Graphviz and the GUI share them unchanged.
class BackendPalette {
  public:
    // The colours compiled in; used when no palette file can be found.
    static BackendPalette builtIn();
    // Parses palette JSON; throws std::invalid_argument naming `origin` when it is malformed.
    static BackendPalette fromJson(std::string_view text, const std::string& origin = "palette");
    // Reads a palette file; throws std::invalid_argument when it cannot be read or parsed.
    static BackendPalette fromFile(const std::filesystem::path& path);
    // `explicitPath` when given (throws if unusable); otherwise the first readable file of
    // searchPaths(), falling back to builtIn() with problem() saying why.
    static BackendPalette locate(const std::filesystem::path& explicitPath = {});
    // Beside the executable (../share/pteron, ./resources), then the source tree's resources/.
    static std::vector<std::filesystem::path> searchPaths();

    // Backend id as written in the file first (exact, then case-insensitive), then device class.
    std::string color(std::string_view backend, std::string_view deviceClass) const;
    std::string deviceColor(std::string_view deviceClass) const;
    const std::string& defaultColor() const { return defaultColor_; }
    const std::map<std::string, std::string, std::less<>>& backends() const { return backends_; }
    const std::map<std::string, std::string, std::less<>>& devices() const { return devices_; }
    // "built-in" or the file the colours came from.
    const std::string& source() const { return source_; }
    // Why locate() fell back to the built-in colours; empty otherwise.
    const std::string& problem() const { return problem_; }

    // Black or white text, whichever reads better on `fill` ("#rrggbb").
    static std::string textColorOn(std::string_view fill);

  private:
    std::map<std::string, std::string, std::less<>> backends_;
    std::map<std::string, std::string, std::less<>> devices_;
    std::string defaultColor_ = "#c0c0c0";
    std::string source_ = "built-in";
    std::string problem_;
};

} // namespace pteron
