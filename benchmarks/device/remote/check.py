"""Print the versions the device run uses and fail early if a part is missing."""
from importlib.metadata import entry_points

import numpy
import spacy
import spacy_transformers  # noqa: F401
import thinc
import torch
import torch_geometric
import transformers
import transformers.models.mpnet.modeling_mpnet  # noqa: F401  (the encoder run's MPNet)
from thinc.api import require_gpu

import scispacy.abbreviation  # noqa: F401
import spacy_kogner  # noqa: F401

print("numpy", numpy.__version__, "spacy", spacy.__version__, "thinc", thinc.__version__, "torch", torch.__version__,
      "torch-geometric", torch_geometric.__version__, "transformers", transformers.__version__)
print("GPU", torch.cuda.get_device_name(0) if torch.cuda.is_available() else None)
print("spacy_factories", sorted(e.name for e in entry_points(group="spacy_factories")))
require_gpu(0)
