"""What the emulators share: HTTP plumbing, routing, accounts, faults, persistence, control plane."""
