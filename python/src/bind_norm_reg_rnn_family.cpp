// Bindings of the issue-3 norm reg rnn family (functional ops into _C._functional, modules into _C._nn).
#include "bindings.h"

namespace striate::python {

void init_norm_reg_rnn_family(py::module_& m) { (void)m; }

}  // namespace striate::python
