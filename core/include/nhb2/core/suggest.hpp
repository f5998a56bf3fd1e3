#pragma once
// "Did you mean" for names typed by users (optimizers, parameters, YAML keys).

#include <string>
#include <vector>

namespace nhb2 {

// The candidate closest to name by edit distance when it is close enough to be a plausible typo,
// else an empty string.
std::string closest_match(const std::string& name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

// "a, b, c"
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

}  // namespace nhb2
