// What every desktop-application test needs: fixture paths as QString, and waiting for a graph
// panel's background layout to finish.
#pragma once

#include <QString>

namespace pteron {
class GraphPanel;
}

namespace pteron::testing {

// Absolute path of a fixture, e.g. guiFixture("pte/cc_multi_method.pte").
QString guiFixture(const char* relative);

// True once the panel's layout has finished; false when there is no panel or the layout
// outlasts the timeout (a large graph under the sanitizers takes tens of seconds).
bool waitForLayout(GraphPanel* panel, int timeoutMs = 120000);

} // namespace pteron::testing
