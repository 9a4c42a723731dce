// Renders the manual pages pteron(1) and pteron-gui(1) as roff from the usage tables that also
// print --help, so the two cannot disagree.
#pragma once

#include <string>

namespace pteron {

std::string cliManPage();
std::string guiManPage();

} // namespace pteron
