// pteron-docs: writes a manual page or a bash completion script at build time.
#include "app/docs/bash_completion_writer.hpp"
#include "app/docs/man_page_writer.hpp"

#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: pteron-docs man-pteron|man-pteron-gui|completion-pteron|"
                     "completion-pteron-gui OUT\n";
        return 1;
    }
    const std::string what = argv[1];
    std::string text;
    if (what == "man-pteron")
        text = pteron::cliManPage();
    else if (what == "man-pteron-gui")
        text = pteron::guiManPage();
    else if (what == "completion-pteron")
        text = pteron::cliBashCompletion();
    else if (what == "completion-pteron-gui")
        text = pteron::guiBashCompletion();
    else {
        std::cerr << "pteron-docs: unknown document " << what << "\n";
        return 1;
    }
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
        std::cerr << "pteron-docs: cannot write " << argv[2] << "\n";
        return 1;
    }
    return 0;
}
