"""Writes a tiny Qwen3 checkpoint with YaRN rope scaling plus HF transformers' logits for it.

Run where torch + transformers are installed (the GPU device has them):
    python3 make_yarn_fixture.py OUT_DIR
The prompt is longer than original_max_position_embeddings so that YaRN's interpolated frequencies matter.
"""
import json
import sys

import torch
from transformers import Qwen3Config, Qwen3ForCausalLM

out = sys.argv[1]
torch.manual_seed(1234)
config = Qwen3Config(
    vocab_size=256, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
    num_attention_heads=4, num_key_value_heads=2, head_dim=32, max_position_embeddings=512,
    rope_parameters={"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 64, "rope_theta": 10000.0},
    rms_norm_eps=1e-6, tie_word_embeddings=False, initializer_range=0.2,
)
model = Qwen3ForCausalLM(config).float().eval()
with torch.no_grad():
    for name, p in model.named_parameters():
        if "norm" in name:
            p.copy_(1.0 + 0.1 * torch.randn_like(p))
model.save_pretrained(out, safe_serialization=True)
prompt = torch.randint(0, 256, (1, 160))
with torch.no_grad():
    logits = model(prompt).logits[0]
    generated = model.generate(prompt, max_new_tokens=8, do_sample=False, eos_token_id=None, pad_token_id=0)
import transformers
expected = {
    "reference": f"transformers {transformers.__version__}, torch {torch.__version__}, float32 on CPU",
    "prompt_ids": prompt[0].tolist(),
    "logits": [[round(float(v), 7) for v in row] for row in logits],
    "greedy_new_ids": generated[0, prompt.shape[1]:].tolist(),
}
with open(f"{out}/expected.json", "w") as f:
    json.dump(expected, f)
print(json.dumps({"saved": out, "config": json.load(open(f"{out}/config.json"))}))
