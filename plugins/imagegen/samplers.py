"""Sampler names people know (A1111's) as diffusers schedulers."""

from __future__ import annotations

import warnings
from typing import Any

# name: (diffusers scheduler class, config changes)
SCHEDULERS: dict[str, tuple[str, dict[str, Any]]] = {
    "Euler a": ("EulerAncestralDiscreteScheduler", {}),
    "Euler": ("EulerDiscreteScheduler", {}),
    "DDIM": ("DDIMScheduler", {}),
    "DPM++ 2M": ("DPMSolverMultistepScheduler", {}),
    "DPM++ 2M Karras": ("DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    "DPM++ 2M SDE": ("DPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++"}),
    "DPM++ 2M SDE Karras": (
        "DPMSolverMultistepScheduler",
        {"algorithm_type": "sde-dpmsolver++", "use_karras_sigmas": True},
    ),
    "DPM++ SDE": ("DPMSolverSinglestepScheduler", {}),
    "DPM2": ("KDPM2DiscreteScheduler", {}),
    "DPM2 Karras": ("KDPM2DiscreteScheduler", {"use_karras_sigmas": True}),
    "Heun": ("HeunDiscreteScheduler", {}),
    "LMS": ("LMSDiscreteScheduler", {}),
    "LMS Karras": ("LMSDiscreteScheduler", {"use_karras_sigmas": True}),
    "UniPC": ("UniPCMultistepScheduler", {}),
    "LCM": ("LCMScheduler", {}),
    "PNDM": ("PNDMScheduler", {}),
}


def scheduler_for(name: str, config: Any) -> Any:
    """A new scheduler of the sampler *name*, from a pipeline's scheduler *config*."""
    import diffusers

    if name not in SCHEDULERS:
        raise ValueError(f"There is no sampler “{name}”. Samplers: {', '.join(SCHEDULERS)}.")
    class_name, changes = SCHEDULERS[name]
    with warnings.catch_warnings():
        # Sigma schedulers turn torch tensors into numpy arrays the way numpy 2 warns of.
        warnings.filterwarnings("ignore", "__array__ implementation", DeprecationWarning)
        return getattr(diffusers, class_name).from_config(config, **changes)
