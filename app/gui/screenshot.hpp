// `pteron-gui --screenshot out.png [--select NODE] FILE`: renders the window once and exits.
#pragma once

#include <QString>

namespace pteron {

class MainWindow;

struct ScreenshotRequest {
    QString output;
    QString select; // node index, exact node name, or part of an operator name
    QString file;
    bool horizontal = false; // lay the graph out left to right
    bool expand = false;     // draw decoded delegates inside their graph
    bool stripes = false;    // command streams operation by operation, not grouped in layers
};

// Opens the file, applies the selection, waits for layout, writes the PNG; returns an exit code
// (2 for a file that cannot be read, 1 for other failures, as the command line does).
int runScreenshot(MainWindow& window, const ScreenshotRequest& request);

} // namespace pteron
