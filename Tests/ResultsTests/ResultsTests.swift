// Tests of module Results live in this folder, one file per concept.
