// Finds nodes of a model by name, operator, backend, dtype or shape.
#pragma once

#include "core/model.hpp"

#include <string>
#include <vector>

namespace pteron {

enum class SearchField { Any, Name, Operator, Backend, DType, Shape };

struct SearchHit {
    std::size_t graph = 0;
    std::size_t node = 0;
};

// Case-insensitive substring match; shapes match "1,64,25,5" with or without brackets and spaces.
std::vector<SearchHit> searchNodes(const Model& model, const std::string& text, SearchField field);

} // namespace pteron
