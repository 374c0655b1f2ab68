// L-BFGS with PyTorch's algorithm (torch.optim.LBFGS): the two-loop recursion, the stopping rules
// and the strong-Wolfe line search (bracketing then zoom with cubic interpolation), step for step,
// so that runs from the same start follow torch's trajectory.
#include "striate/optim/lbfgs.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "striate/autograd.h"
#include "striate/ops/creation.h"

namespace striate::optim {

namespace {

using Vector = std::vector<double>;

double dot(const Vector& a, const Vector& b) {
  double total = 0.0;
  for (size_t i = 0; i < a.size(); ++i) total += a[i] * b[i];
  return total;
}

double max_abs(const Vector& a) {
  double largest = 0.0;
  for (double value : a) largest = std::max(largest, std::abs(value));
  return largest;
}

double sum_abs(const Vector& a) {
  double total = 0.0;
  for (double value : a) total += std::abs(value);
  return total;
}

// a += alpha * b
void axpy(Vector& a, double alpha, const Vector& b) {
  for (size_t i = 0; i < a.size(); ++i) a[i] += alpha * b[i];
}

Vector scaled(const Vector& a, double factor) {
  Vector out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] * factor;
  return out;
}

// The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to the
// bounds (default: the interval between x1 and x2); their midpoint when the cubic has no minimum.
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         std::optional<std::pair<double, double>> bounds = std::nullopt) {
  auto [low, high] = bounds ? *bounds : (x1 <= x2 ? std::make_pair(x1, x2) : std::make_pair(x2, x1));
  double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  double d2_square = d1 * d1 - g1 * g2;
  if (d2_square < 0) return (low + high) / 2.0;
  double d2 = std::sqrt(d2_square);
  double min_pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                            : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return std::min(std::max(min_pos, low), high);
}

// One point of the line search: step t, loss f, gradient g and directional derivative gtd.
struct LinePoint {
  double t;
  double f;
  Vector g;
  double gtd;
};

struct LineSearchResult {
  double loss;
  Vector flat_grad;
  double t;
  int64_t func_evals;
};

// Finds t satisfying the strong Wolfe conditions along d from (f, g) (More-Thuente style bracketing
// then zoom, as torch's _strong_wolfe). evaluate(t) returns the loss and gradient at x + t d.
LineSearchResult strong_wolfe(const std::function<std::pair<double, Vector>(double)>& evaluate, double t,
                              const Vector& d, double f, const Vector& g, double gtd, double tolerance_change,
                              double c1 = 1e-4, double c2 = 0.9, int64_t max_ls = 25) {
  double d_norm = max_abs(d);
  auto [f_new, g_new] = evaluate(t);
  int64_t func_evals = 1;
  double gtd_new = dot(g_new, d);

  LinePoint previous{0.0, f, g, gtd};
  std::vector<LinePoint> bracket;
  bool done = false;
  int64_t ls_iter = 0;
  while (ls_iter < max_ls) {
    // Sufficient decrease fails, or the loss rose: a minimum lies between the last two points.
    if (f_new > f + c1 * t * gtd || (ls_iter > 1 && f_new >= previous.f)) {
      bracket = {previous, {t, f_new, g_new, gtd_new}};
      break;
    }
    if (std::abs(gtd_new) <= -c2 * gtd) {
      bracket = {{t, f_new, g_new, gtd_new}};
      done = true;
      break;
    }
    if (gtd_new >= 0) {
      bracket = {previous, {t, f_new, g_new, gtd_new}};
      break;
    }
    // Still descending: extrapolate to a longer step.
    double min_step = t + 0.01 * (t - previous.t);
    double max_step = t * 10;
    double current = t;
    t = cubic_interpolate(previous.t, previous.f, previous.gtd, t, f_new, gtd_new, std::make_pair(min_step, max_step));
    previous = {current, f_new, g_new, gtd_new};
    std::tie(f_new, g_new) = evaluate(t);
    func_evals += 1;
    gtd_new = dot(g_new, d);
    ls_iter += 1;
  }
  if (ls_iter == max_ls) bracket = {{0.0, f, g, gtd}, {t, f_new, g_new, gtd_new}};

  // Zoom: shrink the bracket [low, high] until a point satisfies the curvature condition.
  bool insufficient_progress = false;
  auto order = [&] { return bracket.front().f <= bracket.back().f ? std::make_pair(0, 1) : std::make_pair(1, 0); };
  auto [low_pos, high_pos] = order();
  while (!done && ls_iter < max_ls) {
    if (std::abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change) break;
    t = cubic_interpolate(bracket[0].t, bracket[0].f, bracket[0].gtd, bracket[1].t, bracket[1].f, bracket[1].gtd);
    // Keep t away from the bracket's ends unless the last step already made too little progress.
    double bracket_max = std::max(bracket[0].t, bracket[1].t);
    double bracket_min = std::min(bracket[0].t, bracket[1].t);
    double eps = 0.1 * (bracket_max - bracket_min);
    if (std::min(bracket_max - t, t - bracket_min) < eps) {
      if (insufficient_progress || t >= bracket_max || t <= bracket_min) {
        t = std::abs(t - bracket_max) < std::abs(t - bracket_min) ? bracket_max - eps : bracket_min + eps;
        insufficient_progress = false;
      } else {
        insufficient_progress = true;
      }
    } else {
      insufficient_progress = false;
    }
    std::tie(f_new, g_new) = evaluate(t);
    func_evals += 1;
    gtd_new = dot(g_new, d);
    ls_iter += 1;

    if (f_new > f + c1 * t * gtd || f_new >= bracket[low_pos].f) {
      bracket[high_pos] = {t, f_new, g_new, gtd_new};
      std::tie(low_pos, high_pos) = order();
    } else {
      if (std::abs(gtd_new) <= -c2 * gtd) {
        done = true;
      } else if (gtd_new * (bracket[high_pos].t - bracket[low_pos].t) >= 0) {
        bracket[high_pos] = bracket[low_pos];
      }
      bracket[low_pos] = {t, f_new, g_new, gtd_new};
    }
  }
  const LinePoint& best = bracket[low_pos];
  return {best.f, best.g, best.t, func_evals};
}

Tensor vector_tensor(const Vector& values) {
  Tensor out = empty({static_cast<int64_t>(values.size())}, TensorOptions(DType::Float64));
  std::copy(values.begin(), values.end(), out.data<double>());
  return out;
}

Tensor rows_tensor(const std::vector<Vector>& rows, int64_t width) {
  Tensor out = empty({static_cast<int64_t>(rows.size()), width}, TensorOptions(DType::Float64));
  double* data = out.data<double>();
  for (const auto& row : rows) data = std::copy(row.begin(), row.end(), data);
  return out;
}

Vector tensor_vector(const Tensor& tensor) {
  Tensor values = tensor.to(DType::Float64).contiguous();
  return Vector(values.data<double>(), values.data<double>() + values.numel());
}

}  // namespace

std::vector<std::pair<std::string, Tensor>> LBFGSParamState::tensors() const {
  int64_t width = static_cast<int64_t>(prev_flat_grad.size());
  std::vector<std::pair<std::string, Tensor>> named = {
      {"func_evals", scalar_tensor(static_cast<double>(func_evals), DType::Float64)},
      {"n_iter", scalar_tensor(static_cast<double>(n_iter), DType::Float64)},
      {"d", vector_tensor(direction)},
      {"t", scalar_tensor(step_length, DType::Float64)},
      {"old_dirs", rows_tensor(old_dirs, width)},
      {"old_stps", rows_tensor(old_stps, width)},
      {"ro", vector_tensor(ro)},
      {"H_diag", scalar_tensor(hessian_diag, DType::Float64)},
      {"prev_flat_grad", vector_tensor(prev_flat_grad)},
  };
  if (has_prev_loss) named.emplace_back("prev_loss", scalar_tensor(prev_loss, DType::Float64));
  return named;
}

LBFGS::LBFGS(std::vector<Tensor> params, const LBFGSOptions& defaults)
    : LBFGS(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

LBFGS::LBFGS(std::vector<OptimizerParamGroup> param_groups, const LBFGSOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<LBFGSOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
  STRIATE_CHECK(param_groups_.size() == 1, "LBFGS: doesn't support per-parameter options (parameter groups), got ",
                param_groups_.size(), " groups");
}

void LBFGS::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const LBFGSOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "LBFGS: expected LBFGSOptions for a parameter group");
  STRIATE_CHECK(options->lr() > 0, "LBFGS: invalid learning rate: expected lr > 0, got ", options->lr());
  STRIATE_CHECK(options->max_iter() >= 1, "LBFGS: expected max_iter >= 1, got ", options->max_iter());
  STRIATE_CHECK(!options->max_eval() || *options->max_eval() >= 1, "LBFGS: expected max_eval >= 1, got ",
                options->max_eval().value_or(0));
  STRIATE_CHECK(options->history_size() >= 1, "LBFGS: expected history_size >= 1, got ", options->history_size());
  STRIATE_CHECK(!options->line_search_fn() || *options->line_search_fn() == "strong_wolfe",
                "LBFGS: line_search_fn: expected None or 'strong_wolfe', got '", options->line_search_fn().value_or(""),
                "'");
}

void LBFGS::step() {
  STRIATE_CHECK_TYPE(false,
                     "LBFGS: step() needs a closure that re-evaluates the model and returns the loss; "
                     "call step(closure)");
}

int64_t LBFGS::numel() const {
  int64_t total = 0;
  for (const auto& param : param_groups_[0].params()) total += param.numel();
  return total;
}

std::vector<double> LBFGS::gather_flat_grad() const {
  Vector flat;
  flat.reserve(numel());
  for (const auto& param : param_groups_[0].params()) {
    const Tensor& grad = param.grad();
    if (!grad.defined()) {
      flat.insert(flat.end(), param.numel(), 0.0);
      continue;
    }
    Vector values = tensor_vector(grad);
    flat.insert(flat.end(), values.begin(), values.end());
  }
  return flat;
}

void LBFGS::add_to_params(double step_length, const std::vector<double>& direction) {
  NoGradGuard no_grad;
  size_t offset = 0;
  for (auto& param : param_groups_[0].params()) {
    Vector slice(direction.begin() + offset, direction.begin() + offset + param.numel());
    param.add_(vector_tensor(slice).view(param.sizes()).to(param.dtype()), step_length);
    param.bump_version();
    offset += param.numel();
  }
}

std::vector<double> LBFGS::clone_params() const {
  Vector flat;
  flat.reserve(numel());
  for (const auto& param : param_groups_[0].params()) {
    Vector values = tensor_vector(param.detach());
    flat.insert(flat.end(), values.begin(), values.end());
  }
  return flat;
}

void LBFGS::set_params(const std::vector<double>& values) {
  NoGradGuard no_grad;
  size_t offset = 0;
  for (auto& param : param_groups_[0].params()) {
    Vector slice(values.begin() + offset, values.begin() + offset + param.numel());
    param.copy_(vector_tensor(slice).view(param.sizes()).to(param.dtype()));
    param.bump_version();
    offset += param.numel();
  }
}

double LBFGS::evaluate(const Closure& closure) {
  EnableGradGuard enable_grad;
  return closure();
}

std::pair<double, std::vector<double>> LBFGS::directional_evaluate(const Closure& closure, const std::vector<double>& x,
                                                                   double t, const std::vector<double>& d) {
  add_to_params(t, d);
  double loss = evaluate(closure);
  Vector flat_grad = gather_flat_grad();
  set_params(x);
  return {loss, flat_grad};
}

LBFGSParamState& LBFGS::lbfgs_state() {
  const Tensor& first = param_groups_[0].params()[0];
  auto* existing = static_cast<LBFGSParamState*>(state(first));
  if (existing != nullptr) return *existing;
  auto fresh = std::make_unique<LBFGSParamState>();
  auto* created = fresh.get();
  set_state(first, std::move(fresh));
  return *created;
}

double LBFGS::step(const Closure& closure) {
  STRIATE_CHECK(static_cast<bool>(closure), "LBFGS: step() needs a closure, got none");
  const auto& options = static_cast<const LBFGSOptions&>(param_groups_[0].options());
  check_options(options);
  const double lr = options.lr();
  const int64_t max_iter = options.max_iter();
  const int64_t max_eval = options.max_eval().value_or(max_iter * 5 / 4);
  const double tolerance_grad = options.tolerance_grad();
  const double tolerance_change = options.tolerance_change();
  const auto history_size = static_cast<size_t>(options.history_size());
  LBFGSParamState& state = lbfgs_state();

  const double orig_loss = evaluate(closure);
  double loss = orig_loss;
  int64_t current_evals = 1;
  state.func_evals += 1;
  Vector flat_grad = gather_flat_grad();
  if (max_abs(flat_grad) <= tolerance_grad) return orig_loss;  // already optimal

  Vector& d = state.direction;
  double& t = state.step_length;
  int64_t n_iter = 0;
  while (n_iter < max_iter) {
    n_iter += 1;
    state.n_iter += 1;
    if (state.n_iter == 1) {
      d = scaled(flat_grad, -1.0);
      state.old_dirs.clear();
      state.old_stps.clear();
      state.ro.clear();
      state.hessian_diag = 1.0;
    } else {
      // Update the curvature pairs, skipping pairs that would break positive definiteness.
      Vector y = flat_grad;
      axpy(y, -1.0, state.prev_flat_grad);
      Vector s = scaled(d, t);
      double ys = dot(y, s);
      if (ys > 1e-10) {
        if (state.old_dirs.size() == history_size) {
          state.old_dirs.erase(state.old_dirs.begin());
          state.old_stps.erase(state.old_stps.begin());
          state.ro.erase(state.ro.begin());
        }
        state.hessian_diag = ys / dot(y, y);
        state.old_dirs.push_back(std::move(y));
        state.old_stps.push_back(std::move(s));
        state.ro.push_back(1.0 / ys);
      }
      // Two-loop recursion: d = -H g with H the L-BFGS inverse Hessian approximation.
      size_t num_old = state.old_dirs.size();
      Vector al(num_old);
      Vector q = scaled(flat_grad, -1.0);
      for (size_t i = num_old; i-- > 0;) {
        al[i] = dot(state.old_stps[i], q) * state.ro[i];
        axpy(q, -al[i], state.old_dirs[i]);
      }
      d = scaled(q, state.hessian_diag);
      for (size_t i = 0; i < num_old; ++i) {
        double be_i = dot(state.old_dirs[i], d) * state.ro[i];
        axpy(d, al[i] - be_i, state.old_stps[i]);
      }
    }
    state.prev_flat_grad = flat_grad;
    state.prev_loss = loss;
    state.has_prev_loss = true;

    // The first step of all is scaled down so that it moves no parameter further than lr.
    t = state.n_iter == 1 ? std::min(1.0, 1.0 / sum_abs(flat_grad)) * lr : lr;
    double gtd = dot(flat_grad, d);
    if (gtd > -tolerance_change) break;  // not a descent direction any more

    int64_t ls_func_evals = 0;
    bool optimal = false;
    if (options.line_search_fn() == std::optional<std::string>("strong_wolfe")) {
      Vector x_init = clone_params();
      auto along = [&](double step) { return directional_evaluate(closure, x_init, step, d); };
      LineSearchResult found = strong_wolfe(along, t, d, loss, flat_grad, gtd, tolerance_change);
      loss = found.loss;
      flat_grad = std::move(found.flat_grad);
      t = found.t;
      ls_func_evals = found.func_evals;
      add_to_params(t, d);
      optimal = max_abs(flat_grad) <= tolerance_grad;
    } else {
      add_to_params(t, d);
      if (n_iter != max_iter) {
        // Re-evaluate for the next iteration (the last one's gradient would go unused).
        loss = evaluate(closure);
        flat_grad = gather_flat_grad();
        optimal = max_abs(flat_grad) <= tolerance_grad;
        ls_func_evals = 1;
      }
    }
    current_evals += ls_func_evals;
    state.func_evals += ls_func_evals;

    if (n_iter == max_iter) break;
    if (current_evals >= max_eval) break;
    if (optimal) break;
    if (max_abs(d) * std::abs(t) <= tolerance_change) break;
    if (std::abs(loss - state.prev_loss) < tolerance_change) break;
  }
  return orig_loss;
}

void LBFGS::load_param_state(const Tensor& param, const std::vector<std::pair<std::string, Tensor>>& tensors) {
  const Tensor& first = param_groups_[0].params()[0];
  STRIATE_CHECK(param.is_same(first), "LBFGS: load_state_dict: the state belongs to the first parameter only");
  auto find = [&](const std::string& key) -> Tensor {
    for (const auto& [name, tensor] : tensors) {
      if (name == key) return tensor;
    }
    return Tensor();
  };
  const auto width = static_cast<size_t>(numel());
  auto vector_of = [&](const std::string& key, bool required_width) {
    Tensor tensor = find(key);
    if (!tensor.defined()) return Vector();
    Vector values = tensor_vector(tensor);
    STRIATE_CHECK_SHAPE(!required_width || values.empty() || values.size() == width,
                        "LBFGS: load_state_dict: expected '", key, "' with ", width, " values (every parameter), got ",
                        values.size());
    return values;
  };
  auto scalar_of = [&](const std::string& key, double fallback) {
    Tensor tensor = find(key);
    if (!tensor.defined()) return fallback;
    STRIATE_CHECK(tensor.numel() == 1, "LBFGS: load_state_dict: expected a scalar '", key, "', got shape ",
                  tensor.shape());
    return tensor.item_double();
  };
  auto rows_of = [&](const std::string& key) {
    std::vector<Vector> rows;
    Vector values = vector_of(key, false);
    STRIATE_CHECK_SHAPE(width > 0 && values.size() % width == 0, "LBFGS: load_state_dict: expected '", key,
                        "' with rows of ", width, " values, got ", values.size(), " values");
    for (size_t offset = 0; offset < values.size(); offset += width) {
      rows.emplace_back(values.begin() + offset, values.begin() + offset + width);
    }
    return rows;
  };
  auto fresh = std::make_unique<LBFGSParamState>();
  fresh->func_evals = static_cast<int64_t>(scalar_of("func_evals", 0));
  fresh->n_iter = static_cast<int64_t>(scalar_of("n_iter", 0));
  fresh->direction = vector_of("d", true);
  fresh->step_length = scalar_of("t", 0.0);
  fresh->old_dirs = rows_of("old_dirs");
  fresh->old_stps = rows_of("old_stps");
  fresh->ro = vector_of("ro", false);
  STRIATE_CHECK(fresh->old_dirs.size() == fresh->old_stps.size() && fresh->old_dirs.size() == fresh->ro.size(),
                "LBFGS: load_state_dict: expected as many 'old_dirs', 'old_stps' and 'ro' entries, got ",
                fresh->old_dirs.size(), ", ", fresh->old_stps.size(), " and ", fresh->ro.size());
  fresh->hessian_diag = scalar_of("H_diag", 1.0);
  fresh->prev_flat_grad = vector_of("prev_flat_grad", true);
  fresh->has_prev_loss = find("prev_loss").defined();
  fresh->prev_loss = scalar_of("prev_loss", 0.0);
  set_state(first, std::move(fresh));
}

}  // namespace striate::optim
