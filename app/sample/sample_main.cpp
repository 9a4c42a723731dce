// pteron-sample OUT.pte: writes the bundled sample program.
#include "app/sample/sample_program.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: pteron-sample OUT.pte\n";
        return 1;
    }
    try {
        pteron::writeSampleProgram(argv[1]);
    } catch (const std::exception& error) {
        std::cerr << "pteron-sample: " << error.what() << "\n";
        return 2;
    }
    return 0;
}
