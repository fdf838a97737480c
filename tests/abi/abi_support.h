// Shared by the ABI test files: running a tool, reading a spec once, reading an export matrix.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "spec.h"

namespace abi_test {

// Runs a shell command and returns its standard output; *status gets pclose's status.
inline std::string run(const std::string& cmd, int* status = nullptr) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    const int st = pclose(p);
    if (status) *status = st;
    return out;
}

// The spec at `path`, parsed once (a parse error fails the test that asked first).
inline const specgen::Spec& spec_at(const char* path) {
    static std::map<std::string, specgen::Spec> specs;
    auto it = specs.find(path);
    if (it == specs.end()) {
        std::string err;
        auto s = specgen::read_spec_file(path, &err);
        if (!s) ADD_FAILURE() << err;
        it = specs.emplace(path, s ? *s : specgen::Spec{}).first;
    }
    return it->second;
}

// A row of an export matrix (windows-exports.txt, windows-hal-exports.txt): "name i386-symbol
// export|-", the i386 symbol "-" when Windows does not export the name on i386.
struct MatrixRow {
    std::string i386_symbol;
    bool x86_64 = false;
};

inline std::map<std::string, MatrixRow> read_matrix(const char* path) {
    std::map<std::string, MatrixRow> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string name, sym, x64;
        ls >> name >> sym >> x64;
        rows[name] = {sym, x64 == "export"};
    }
    return rows;
}

}  // namespace abi_test
