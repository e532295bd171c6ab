"""What the spaCy project's steps need beyond the library: fetching assets
(local mirror first, md5-verified), resolving the encoder to a local folder,
and training on the GPU when there is one."""
