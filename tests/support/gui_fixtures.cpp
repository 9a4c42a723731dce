#include "tests/support/gui_fixtures.hpp"

#include "tests/support/fixtures.hpp"
#include "views/graph/graph_panel.hpp"

#include <QTest>

namespace pteron::testing {

QString guiFixture(const char* relative) {
    return QString::fromStdString(fixture(relative));
}

bool waitForLayout(GraphPanel* panel, int timeoutMs) {
    return panel && QTest::qWaitFor([panel] { return !panel->isLayoutRunning(); }, timeoutMs);
}

} // namespace pteron::testing
