// Bindings of the issue-3 activation loss family (functional ops into _C._functional, modules into _C._nn).
#include "bindings.h"

namespace striate::python {

void init_activation_loss_family(py::module_& m) { (void)m; }

}  // namespace striate::python
